using System.Security.Claims;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Surveys.Intake.Delivery;
using Surveys.Notifier.Delivery;
using Surveys.Web.Security;

namespace Surveys.UnitTests.Security;

/// <summary>Hole 6 of issue 18: how long a session's account check is trusted, on a fake clock.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class SessionRevalidationTests
{
    private sealed class Accounts : IAccountCheck
    {
        public AccountVerdict Answer { get; set; } = AccountVerdict.Current;

        public int Asked { get; private set; }

        public Task<AccountVerdict> CheckAsync(ClaimsPrincipal user, CancellationToken ct)
        {
            Asked++;
            return Task.FromResult(Answer);
        }
    }

    private static readonly ClaimsPrincipal Nurse = new(new ClaimsIdentity(
        [new Claim(StaffAuth.NameClaim, "nurse1"), new Claim(StaffAuth.RoleClaim, Roles.Nurse), new Claim(StaffAuth.StampClaim, "stamp-at-sign-in")], "bearer"));

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly Accounts _accounts = new();

    private SessionRevalidation Revalidation() => new(_accounts, _time, Options.Create(new AuthOptions()));

    [Test]
    public async Task A_bearer_token_stops_working_within_a_minute_after_the_account_is_disabled()
    {
        var revalidation = Revalidation();
        Assert.That(await revalidation.CheckAsync(Nurse, fresh: false, CancellationToken.None), Is.EqualTo(AccountVerdict.Current));

        _accounts.Answer = AccountVerdict.Changed; // an administrator disables the account
        _time.Advance(TimeSpan.FromSeconds(59));
        var withinTheMinute = await revalidation.CheckAsync(Nurse, fresh: false, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var afterTheMinute = await revalidation.CheckAsync(Nurse, fresh: false, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(withinTheMinute, Is.EqualTo(AccountVerdict.Current), "a read within the minute may use the last answer");
            Assert.That(afterTheMinute, Is.EqualTo(AccountVerdict.Changed), "a minute after the last answer the account is asked again");
        });
    }

    [Test]
    public async Task Every_action_asks_the_accounts_afresh_and_fails_closed_when_they_cannot_answer()
    {
        var revalidation = Revalidation();
        await revalidation.CheckAsync(Nurse, fresh: false, CancellationToken.None);
        _accounts.Answer = AccountVerdict.Unknown; // intake is down

        var action = await revalidation.CheckAsync(Nurse, fresh: true, CancellationToken.None);

        Assert.That(action, Is.EqualTo(AccountVerdict.Unknown));
        Assert.That(_accounts.Asked, Is.EqualTo(2));
    }

    [Test]
    public async Task A_session_without_a_stamp_is_over()
    {
        var old = new ClaimsPrincipal(new ClaimsIdentity([new Claim(StaffAuth.NameClaim, "nurse1"), new Claim(StaffAuth.RoleClaim, Roles.Nurse)], "bearer"));

        Assert.That(await Revalidation().CheckAsync(old, fresh: false, CancellationToken.None), Is.EqualTo(AccountVerdict.Changed));
        Assert.That(_accounts.Asked, Is.Zero);
    }
}

/// <summary>Hole 5 of issue 18: the start-up checks, each naming its setting.</summary>
public class StartupChecksTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Surveys";

        public string ContentRootPath { get; set; } = ".";

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    [Test]
    public void In_production_urgent_alerts_without_a_real_channel_are_refused_naming_the_setting()
    {
        var check = new AlertingOptionsCheck(new Environment(Environments.Production));
        var none = check.Validate(null, new AlertingOptions());
        var outboxOnly = check.Validate(null, new AlertingOptions { Contacts = [new AlertContact { Name = "ward" }] });
        var webhook = check.Validate(null, new AlertingOptions
        {
            Contacts = [new AlertContact { Name = "ward", Webhook = new Uri("https://pager.example/hook") }], WebhookSecret = "a-secret-of-16-or-more",
        });

        Assert.Multiple(() =>
        {
            Assert.That(none.FailureMessage, Does.Contain("Alerting:Contacts is empty"));
            Assert.That(outboxOnly.FailureMessage, Does.Contain("Alerting:Contacts:0 (ward) has neither an Email nor a Webhook"));
            Assert.That(webhook.Succeeded, Is.True);
            Assert.That(new AlertingOptionsCheck(new Environment(Environments.Development)).Validate(null, new AlertingOptions()).Succeeded, Is.True, "Development uses the outbox");
        });
    }

    [Test]
    public void In_production_an_invitation_channel_set_to_the_outbox_is_refused_naming_the_setting()
    {
        var options = new InvitationDeliveryOptions { Channels = { ["sms"] = "outbox", ["email"] = "smtp" } };

        Assert.That(DeliveryChecks.Problems(options, development: false).Single(), Does.StartWith("Delivery:Channels:sms is 'outbox'"));
        Assert.That(DeliveryChecks.Problems(options, development: true), Is.Empty);
    }
}
