using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests;

/// <summary>
/// Hole 5 of issue 18: outside Development nothing urgent goes to a development outbox (real processes started in
/// Production). That Development says so on every page is checked per service in the functional tests.
/// </summary>
[NonParallelizable]
public partial class DevelopmentModeTests
{
    public const string Banner = "Development: messages are not sent";

    [Test]
    public async Task In_production_a_service_without_a_real_urgent_alert_channel_refuses_to_start()
    {
        var logs = Directory.CreateTempSubdirectory("surveys-refusal-").FullName;
        try
        {
            var common = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)),
                ["Storage__DataDirectory"] = logs,
            };
            await using var notifier = ServiceProcess.Start("Notifier", logs, common);
            await using var intake = ServiceProcess.Start("Intake", logs, new Dictionary<string, string>(common) { ["Delivery__Channels__email"] = "outbox" });

            var notifierRefusal = Assert.ThrowsAsync<InvalidOperationException>(() => notifier.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
            var intakeRefusal = Assert.ThrowsAsync<InvalidOperationException>(() => intake.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));

            Assert.Multiple(() =>
            {
                Assert.That(notifierRefusal!.Message, Does.Contain("exited with code").And.Contain("Alerting:Contacts is empty, so urgent alerts would reach nobody"));
                Assert.That(intakeRefusal!.Message, Does.Contain("exited with code").And.Contain("Delivery:Channels:email is 'outbox'"));
            });
        }
        finally
        {
            Directory.Delete(logs, recursive: true);
        }
    }

    [Test]
    public async Task Development_outbox_pages_do_not_exist_outside_development()
    {
        // Production with a real channel for urgent alerts (a webhook to a receiver on this machine): it starts.
        await using var system = await RunningSystem.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Alerting__Contacts__0__Name"] = "ward",
            ["Alerting__Contacts__0__Webhook"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}/alerts",
            ["Alerting__WebhookSecret"] = "a-webhook-secret-of-some-length",
        });
        using var nurse = new HttpClient { BaseAddress = system.Notifier.BaseAddress };
        nurse.DefaultRequestHeaders.Authorization = new("Bearer", system.Tokens["nurse"]);

        var outbox = await system.IntakeClient.GetAsync(new Uri("/api/dev/outbox", UriKind.Relative));
        var alertOutbox = await nurse.GetAsync(new Uri("/api/dev/alert-outbox", UriKind.Relative));
        using var portal = new HttpClient { BaseAddress = system.Portal.BaseAddress };
        var signIn = await portal.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var survey = await system.PatientClient.GetStringAsync(new Uri($"/s/{await system.NewInvitationAsync("phq9")}", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(outbox.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(alertOutbox.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(signIn, Does.Contain("name=\"Form.Password\"").And.Not.Contain(Banner), "the portal's sign-in");
            Assert.That(survey, Does.Not.Contain(Banner), "a patient's survey");
        });
    }
}
