using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Surveys.Delivery;

namespace Surveys.Intake.Invitations;

/// <summary>
/// Keeps an open invitation's token (and the development outbox's text) encrypted and authenticated with
/// ASP.NET Core Data Protection, so a reminder can carry the same link while a copy of the database opens
/// no link. The keys live in <c>{Storage:DataDirectory}/keys</c>, apart from the database.
/// </summary>
public sealed class LinkProtector(IDataProtectionProvider provider) : IOutboxTextProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Surveys.Intake.InvitationLink.v1");

    public string Protect(string plain) => _protector.Protect(plain);

    /// <summary>The plain text, or null when it cannot be read (keys lost or value tampered with).</summary>
    public string? TryUnprotect(string? protectedText)
    {
        if (protectedText is null)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(protectedText);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    string? IOutboxTextProtector.Unprotect(string stored) => TryUnprotect(stored);
}
