using System.Data.Common;
using System.Security.Claims;
using Surveys.Web.Security;

namespace Surveys.Intake.Staff;

/// <summary>Intake holds the accounts: a session is current while its account is enabled and its stamp is the account's.</summary>
public sealed class LocalAccountCheck(StaffStore store) : IAccountCheck
{
    public async Task<AccountVerdict> CheckAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.FindFirst(StaffAuth.NameClaim)?.Value;
        try
        {
            var account = string.IsNullOrEmpty(name) ? null : await store.FindAsync(name, ct);
            return account is { DisabledAt: null } && string.Equals(StaffAccounts.Stamp(account), user.FindFirst(StaffAuth.StampClaim)?.Value, StringComparison.Ordinal)
                ? AccountVerdict.Current
                : AccountVerdict.Changed;
        }
        catch (DbException)
        {
            return AccountVerdict.Unknown;
        }
    }
}
