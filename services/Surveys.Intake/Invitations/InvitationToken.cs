using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Surveys.Intake.Invitations;

/// <summary>
/// A patient's personal link token: 256 bits from a cryptographic random source, URL-safe. Only its
/// SHA-256 hash is stored, so a copy of the database opens no link.
/// </summary>
public static class InvitationToken
{
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
