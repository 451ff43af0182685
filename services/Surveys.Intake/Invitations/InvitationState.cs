
namespace Surveys.Intake.Invitations;

/// <summary>Where a link stands: open for answers, or closed for one of three reasons.</summary>
public enum LinkState
{
    Open,
    Answered,
    Expired,
    Replaced,
}

public static class InvitationStateExtensions
{
    public static LinkState State(this Invitation invitation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return invitation switch
        {
            { UsedAt: not null } => LinkState.Answered,
            { SupersededAt: not null } => LinkState.Replaced,
            { ExpiredAt: not null } => LinkState.Expired,
            _ when invitation.ExpiresAt <= now => LinkState.Expired,
            _ => LinkState.Open,
        };
    }
}
