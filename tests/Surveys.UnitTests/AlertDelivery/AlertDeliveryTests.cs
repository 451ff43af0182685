using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Surveys.Notifier.Alerts;
using Surveys.Notifier.Delivery;
using Surveys.Operations;
using Surveys.Data;

namespace Surveys.UnitTests.AlertDelivery;

/// <summary>
/// Delivery and escalation of alerts through a real SMTP server and a real HTTP receiver in this process, on a fake
/// clock moved through the acknowledgement times and the daily digest.
/// </summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class AlertDeliveryTests(StorageEngine engine)
{
    private const string Secret = "an-alert-webhook-secret-for-tests";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 16, 30, 0, TimeSpan.Zero); // 22:00 in Asia/Kolkata: the next digest is 10 hours away
    private static readonly string[] ClinicalWords =
        ["phq", "gad", "who-5", "who5", "paid", "gold", "diary", "diabetes", "depress", "anxiety", "hypo", "patient health", "harm", "answer", "item", "score", "missed", "scheduled", "not answered"];

    private FakeSmtpServer _smtp = null!;
    private WebhookReceiver _hook = null!;

    [SetUp]
    public void StartServers()
    {
        _smtp = new FakeSmtpServer();
        _hook = new WebhookReceiver();
    }

    [TearDown]
    public void StopServers()
    {
        _smtp.Dispose();
        _hook.Dispose();
    }

    /// <summary>Three levels: a charge nurse (e-mail and pager webhook), a duty doctor, a manager; the team gets the digest.</summary>
    private Dictionary<string, string?> Configuration(bool webhook = true) => new(StringComparer.Ordinal)
    {
        ["Alerting:Contacts:0:Name"] = "charge nurse",
        ["Alerting:Contacts:0:Email"] = "level1@clinic.example",
        ["Alerting:Contacts:0:Webhook"] = webhook ? _hook.Url.AbsoluteUri : null,
        ["Alerting:Contacts:1:Name"] = "duty doctor",
        ["Alerting:Contacts:1:Email"] = "level2@clinic.example",
        ["Alerting:Contacts:2:Name"] = "manager",
        ["Alerting:Contacts:2:Email"] = "level3@clinic.example",
        ["Alerting:DigestContacts:0:Name"] = "team",
        ["Alerting:DigestContacts:0:Email"] = "team@clinic.example",
        ["Alerting:TimeZone"] = "Asia/Kolkata",
        ["Alerting:DigestAt"] = "08:00",
        ["Alerting:WebhookSecret"] = Secret,
        ["Alerting:Smtp:Host"] = "127.0.0.1",
        ["Alerting:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Alerting:Smtp:Security"] = "None",
        ["Alerting:Smtp:From"] = "alerts@clinic.example",
        ["Alerting:Webhook:MaxRetries"] = "2",
        ["Alerting:Webhook:RetryDelay"] = "00:00:00.010",
        ["Alerting:Webhook:BreakerMinimumThroughput"] = "3",
        ["Alerting:Webhook:BreakerBreakDuration"] = "00:00:00.500",
    };

    private static string[] To(IEnumerable<FakeSmtpServer.Received> messages) => messages.SelectMany(m => m.Recipients).ToArray();

    private static void AssertNothingClinical(string text, Guid patientId)
    {
        Assert.That(text, Does.Not.Contain(patientId.ToString("D")).IgnoreCase);
        Assert.That(text, Does.Not.Contain(patientId.ToString("N")).IgnoreCase);
        foreach (var word in ClinicalWords)
        {
            Assert.That(text.ToLowerInvariant(), Does.Not.Contain(word), $"the message names '{word}'");
        }
    }

    [Test]
    public async Task An_urgent_alert_reaches_level_one_at_once_and_level_two_exactly_once_when_nobody_acknowledges()
    {
        await using var world = await new AlertWorld(Start, Configuration(), engine).StartAsync();
        var (patient, alert) = await world.RaiseUrgentAsync();

        var first = await _smtp.WaitForAsync(1);
        var hooks = await _hook.WaitForAsync(1);
        await world.WaitForSentAsync(2);
        Assert.That(To(first), Is.EqualTo(new[] { "level1@clinic.example" }));
        Assert.That(first[0].Data, Does.Contain("An urgent alert needs review"));
        Assert.That(first[0].Data, Does.Contain($"https://staff.clinic.example/alerts/{alert:D}").And.Not.Contain("/inbox"), "the portal's alert page, never the old inbox");
        AssertNothingClinical(first[0].Data, patient);

        // The webhook: time, idempotency key, delivery id and body signed; key and delivery = the queue row's id;
        // JSON with severity and link only.
        Assert.That(hooks, Has.Count.EqualTo(1));
        var request = hooks[0];
        Assert.That(WebhookSignature.Verify(Secret, request.Signature, request.IdempotencyKey, request.Delivery, request.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), Is.True, request.Signature);
        Assert.That(request.ContentType, Does.StartWith("application/json"));
        var rowId = (await world.QueryAsync<Guid>("SELECT id FROM delivery_messages WHERE channel = 'webhook'")).Single().ToString("D");
        Assert.That(request.IdempotencyKey, Is.EqualTo(rowId));
        Assert.That(request.Delivery, Is.EqualTo(rowId));
        using (var json = JsonDocument.Parse(request.Body))
        {
            Assert.That(json.RootElement.GetProperty("type").GetString(), Is.EqualTo("alert"));
            Assert.That(json.RootElement.GetProperty("severity").GetString(), Is.EqualTo("urgent"));
            Assert.That(json.RootElement.GetProperty("link").GetString(), Is.EqualTo($"https://staff.clinic.example/alerts/{alert:D}"));
        }

        AssertNothingClinical(request.Body, patient);

        // 14 minutes: nobody else is told yet.
        world.Time.Advance(TimeSpan.FromMinutes(14));
        await world.SettleAsync();
        Assert.That(_smtp.Snapshot(), Has.Count.EqualTo(1));

        // 15 minutes: the duty doctor, once, however often the loop runs.
        world.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await _smtp.WaitForAsync(2);
        await world.WaitForSentAsync(3);
        await world.SettleAsync();
        Assert.That(To(_smtp.Snapshot()), Is.EqualTo(new[] { "level1@clinic.example", "level2@clinic.example" }));
        Assert.That(second[1].Data, Does.Contain("has not been acknowledged within 15 minutes"));
        AssertNothingClinical(second[1].Data, patient);
        Assert.That(_hook.Requests, Has.Count.EqualTo(1), "the duty doctor has no webhook");

        // Another 15: the manager, the last level (what follows is in the next test).
        world.Time.Advance(TimeSpan.FromMinutes(15));
        await _smtp.WaitForAsync(3);
        await world.WaitForSentAsync(4);
        await world.SettleAsync();
        Assert.That(To(_smtp.Snapshot()), Is.EqualTo(new[] { "level1@clinic.example", "level2@clinic.example", "level3@clinic.example" }));
    }

    [Test]
    public async Task An_unacknowledged_urgent_alert_past_the_last_level_is_sent_again_and_shown_to_operators()
    {
        await using var world = await new AlertWorld(Start, Configuration(webhook: false), engine).StartAsync();
        var (patient, alert) = await world.RaiseUrgentAsync();
        for (var level = 1; level <= 3; level++)
        {
            await _smtp.WaitForAsync(level);
            await world.WaitForSentAsync(level);
            world.Time.Advance(TimeSpan.FromMinutes(15));
        }

        // 45 minutes: every level was told and nobody acknowledged. The last level is told again, every 15 minutes.
        var again = await _smtp.WaitForAsync(4);
        await world.WaitForSentAsync(4);
        Assert.That(To(again)[3], Is.EqualTo("level3@clinic.example"));
        Assert.That(again[3].Data, Does.Contain("still not been acknowledged"));
        AssertNothingClinical(again[3].Data, patient);
        world.Time.Advance(TimeSpan.FromMinutes(14));
        await world.SettleAsync();
        Assert.That(_smtp.Snapshot(), Has.Count.EqualTo(4));
        world.Time.Advance(TimeSpan.FromMinutes(1));
        await _smtp.WaitForAsync(5);
        await world.WaitForSentAsync(5);
        Assert.That(To(_smtp.Snapshot()).Skip(3), Is.EqualTo(new[] { "level3@clinic.example", "level3@clinic.example" }));

        // Operators see it: in readiness (which surveys status and /ops read), as a metric, and on the alert (the portal's alert pages show it).
        Assert.That(await OperatorsSeeAsync(world), Is.EqualTo((1L, 1L, true)));
        Assert.That((await world.Store.FindAlertsAsync(patient, null, CancellationToken.None)).Single().PastLastLevelAt, Is.EqualTo(Start.AddMinutes(45)));

        // Acknowledged: the reminders stop, and operators see nothing waiting.
        await world.Store.AcknowledgeAsync(alert, "nurse1", CancellationToken.None);
        world.Time.Advance(TimeSpan.FromHours(2));
        await world.SettleAsync();
        Assert.That(_smtp.Snapshot(), Has.Count.EqualTo(5));
        Assert.That(await OperatorsSeeAsync(world), Is.EqualTo((0L, 0L, false)));
    }

    [Test]
    public async Task A_high_alert_past_the_last_level_is_not_repeated()
    {
        await using var world = await new AlertWorld(Start, Configuration(webhook: false), engine).StartAsync();
        await world.RaiseHighAsync();
        for (var level = 1; level <= 3; level++)
        {
            await _smtp.WaitForAsync(level);
            await world.WaitForSentAsync(level);
            world.Time.Advance(TimeSpan.FromHours(4));
        }

        await world.SettleAsync();
        Assert.That(To(_smtp.Snapshot()).Where(to => to != "team@clinic.example"), Is.EqualTo(new[] { "level1@clinic.example", "level2@clinic.example", "level3@clinic.example" }), "the digest aside");
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM alerts WHERE escalate_at IS NOT NULL OR past_last_level_at IS NOT NULL"), Is.Zero);
    }

    /// <summary>
    /// What operators see: the readiness check's count, the gauge, and whether <see cref="PipelineStatus"/> (surveys
    /// status, /ops) marks the notifier as needing a person when its /health/ready carries that check.
    /// </summary>
    private static async Task<(long Readiness, long Gauge, bool Attention)> OperatorsSeeAsync(AlertWorld world)
    {
        var health = await world.Services.GetRequiredService<AlertWatch>().CheckHealthAsync(new HealthCheckContext());
        Assert.That(health.Status, Is.EqualTo(HealthStatus.Healthy), "the service itself is fine: a person is needed, not a restart");
        var readiness = (long)health.Data[AlertWatch.PastLastLevelKey];

        var factory = world.Services.GetRequiredService<IMeterFactory>();
        long gauge = -1;
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "surveys.alerts.unacknowledged_past_last_level" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => gauge = value);
            listener.Start();
            listener.RecordObservableInstruments();
        }

        var body = JsonSerializer.Serialize(
            new { status = "Healthy", checks = new Dictionary<string, object> { [AlertWatch.CheckName] = new { status = "Healthy", description = health.Description, data = health.Data } } },
            JsonSerializerOptions.Web);
        using var http = new HttpClient(new FixedAnswer(body)) { BaseAddress = new Uri("http://broker.test/") };
        var status = await PipelineStatus.ReadAsync(http, [("notifier", "http://notifier.test/")], http, "/", CancellationToken.None);
        var notifier = status.Services.Single();
        Assert.That(notifier.UrgentAlertsPastLastLevel, Is.EqualTo(readiness));
        return (readiness, gauge, notifier.Attention);
    }

    private sealed class FixedAnswer(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(request.RequestUri!.AbsolutePath == "/health/ready" ? body : "[]", Encoding.UTF8, "application/json") });
    }

    [Test]
    public async Task New_critical_evidence_on_an_acknowledged_alert_reopens_it_and_tells_the_current_level_again()
    {
        await using var world = await new AlertWorld(Start, Configuration(webhook: false), engine).StartAsync();
        var (patient, alert) = await world.RaiseUrgentAsync(); // item 9 answered 2
        await _smtp.WaitForAsync(1);
        await world.WaitForSentAsync(1);
        world.Time.Advance(TimeSpan.FromMinutes(15)); // the duty doctor is told: level 2
        await _smtp.WaitForAsync(2);
        await world.WaitForSentAsync(2);
        world.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(await world.Store.AcknowledgeAsync(alert, "nurse1", CancellationToken.None), Is.EqualTo(AlertChange.Done));
        var (other, otherAlert) = await world.RaiseUrgentAsync(); // another patient's urgent alert, raised later and acknowledged
        await _smtp.WaitForAsync(3);
        await world.WaitForSentAsync(3);
        await world.Store.AcknowledgeAsync(otherAlert, "nurse2", CancellationToken.None);

        // An hour later a worse answer to item 9 (from 2 to 3) arrives.
        world.Time.Advance(TimeSpan.FromHours(1));
        await world.RecordPhq9Async(patient, 5, ["self_harm_risk"], item9: 3);

        var (reopened, evidence) = (await world.Store.GetAlertAsync(alert, CancellationToken.None))!.Value;
        Assert.That(await world.Store.FindAlertsAsync(patient, null, CancellationToken.None), Has.Count.EqualTo(1), "the same finding: the same alert");
        Assert.That(reopened.Status, Is.EqualTo("open"), "someone must acknowledge it again");
        Assert.That(reopened.NewEvidenceSinceAcknowledged, Is.True, "shown as new evidence since it was acknowledged");
        Assert.That(evidence, Has.Count.EqualTo(2));
        var inbox = await world.Store.FindAlertsAsync(new AlertFilter(), CancellationToken.None);
        Assert.That(inbox[0].Id, Is.EqualTo(alert), "moved to the top: the latest evidence first");

        // The current level (the duty doctor) is told again, and the acknowledgement clock starts again.
        var told = await _smtp.WaitForAsync(4);
        await world.WaitForSentAsync(4);
        Assert.That(To(told)[3], Is.EqualTo("level2@clinic.example"));
        Assert.That(told[3].Data, Does.Contain("has new evidence and needs review again"));
        AssertNothingClinical(told[3].Data, patient);
        world.Time.Advance(TimeSpan.FromMinutes(14));
        await world.SettleAsync();
        Assert.That(_smtp.Snapshot(), Has.Count.EqualTo(4));
        world.Time.Advance(TimeSpan.FromMinutes(1));
        await _smtp.WaitForAsync(5);
        Assert.That(To(_smtp.Snapshot()).Skip(4).Distinct(), Does.Contain("level3@clinic.example"), "then the next level, as before");
        Assert.That(other, Is.Not.EqualTo(patient));

        // Acknowledged again: the mark goes.
        await world.Store.AcknowledgeAsync(alert, "nurse2", CancellationToken.None);
        var acknowledged = (await world.Store.GetAlertAsync(alert, CancellationToken.None))!.Value.Alert;
        Assert.That((acknowledged.Status, acknowledged.AcknowledgedBy, acknowledged.NewEvidenceSinceAcknowledged), Is.EqualTo(("acknowledged", "nurse2", false)));
    }

    [Test]
    public async Task Acknowledging_stops_escalation()
    {
        await using var world = await new AlertWorld(Start, Configuration(webhook: false), engine).StartAsync();
        var (_, alert) = await world.RaiseUrgentAsync();
        await _smtp.WaitForAsync(1);
        await world.WaitForSentAsync(1);

        world.Time.Advance(TimeSpan.FromMinutes(10));
        await world.Store.AcknowledgeAsync(alert, "nurse1", CancellationToken.None);
        world.Time.Advance(TimeSpan.FromHours(1));
        await world.SettleAsync();

        Assert.That(To(_smtp.Snapshot()), Is.EqualTo(new[] { "level1@clinic.example" }));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_message_not_yet_sent_when_the_alert_is_acknowledged_is_cancelled()
    {
        _smtp.Dispose(); // the mail server is down: level 1's message waits in the table
        await using var world = await new AlertWorld(Start, Configuration(webhook: false), engine).StartAsync();
        var (_, alert) = await world.RaiseUrgentAsync();
        // Wait for the failed attempt to be recorded (not only leased): otherwise the clock may move before the
        // retry time is written, and the retry lands after the minute this test waits.
        Assert.That(await world.WaitForCountAsync("SELECT COUNT(*) FROM delivery_messages WHERE attempts > 0 AND last_error IS NOT NULL", 1), Is.EqualTo(1));

        await world.Store.AcknowledgeAsync(alert, "nurse1", CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMinutes(1));
        await world.SettleAsync();

        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE cancelled_at IS NOT NULL AND last_error = 'acknowledged'"), Is.EqualTo(1));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE sent_at IS NOT NULL"), Is.Zero);
    }

    [Test]
    public async Task A_high_alert_escalates_after_four_hours()
    {
        await using var world = await new AlertWorld(Start, Configuration(webhook: false), engine).StartAsync();
        var (patient, _) = await world.RaiseHighAsync();
        var first = await _smtp.WaitForAsync(1);
        await world.WaitForSentAsync(1);
        Assert.That(first[0].Data, Does.Contain("A high alert needs review"));
        AssertNothingClinical(first[0].Data, patient);

        world.Time.Advance(TimeSpan.FromMinutes(239));
        await world.SettleAsync();
        Assert.That(_smtp.Snapshot(), Has.Count.EqualTo(1));

        world.Time.Advance(TimeSpan.FromMinutes(1));
        await _smtp.WaitForAsync(2);
        await world.SettleAsync();
        Assert.That(To(_smtp.Snapshot()), Is.EqualTo(new[] { "level1@clinic.example", "level2@clinic.example" }));
        Assert.That(_smtp.Snapshot()[1].Data, Does.Contain("within 4 hours"));
    }

    [Test]
    public async Task A_restart_between_the_alert_and_its_escalation_still_escalates_once()
    {
        await using var world = await new AlertWorld(Start, Configuration(webhook: false), engine).StartAsync();
        await world.RaiseUrgentAsync();
        await _smtp.WaitForAsync(1);
        await world.WaitForSentAsync(1);

        await world.RestartAsync(); // a new process: only the database remembers
        world.Time.Advance(TimeSpan.FromMinutes(16));
        await _smtp.WaitForAsync(2);
        await world.WaitForSentAsync(2);
        await world.RestartAsync();
        await world.SettleAsync();

        Assert.That(To(_smtp.Snapshot()), Is.EqualTo(new[] { "level1@clinic.example", "level2@clinic.example" }));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE sent_at IS NOT NULL"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_routine_alert_waits_for_the_daily_digest_and_is_counted_in_one_digest_only()
    {
        // 06:00 in Kolkata: yesterday's digest is long past, today's is at 08:00.
        await using var world = await new AlertWorld(new DateTimeOffset(2026, 3, 2, 0, 30, 0, TimeSpan.Zero), Configuration(webhook: false), engine).StartAsync();
        var (patient, _) = await world.RaiseRoutineAsync();
        await world.SettleAsync();
        Assert.That(_smtp.Snapshot(), Is.Empty, "routine alerts are not sent at once");
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages"), Is.Zero);

        world.Time.Advance(TimeSpan.FromHours(2)); // 08:00 local
        var digest = await _smtp.WaitForAsync(1);
        await world.WaitForSentAsync(1);
        await world.SettleAsync();
        Assert.That(_smtp.Snapshot(), Has.Count.EqualTo(1));
        Assert.That(To(digest), Is.EqualTo(new[] { "team@clinic.example" }));
        Assert.That(digest[0].Data, Does.Contain("daily digest for 2026-03-02"));
        Assert.That(digest[0].Data, Does.Contain("Routine alerts new since the last digest: 1."));
        Assert.That(digest[0].Data, Does.Contain("0 urgent, 0 high, 1 routine"));
        Assert.That(digest[0].Data, Does.Contain("https://staff.clinic.example/alerts").And.Not.Contain("/inbox"));
        AssertNothingClinical(digest[0].Data, patient);

        // A restart does not send today's digest again; tomorrow's counts the alert as open, not as new.
        await world.RestartAsync();
        await world.SettleAsync();
        Assert.That(_smtp.Snapshot(), Has.Count.EqualTo(1));
        world.Time.Advance(TimeSpan.FromDays(1));
        var next = await _smtp.WaitForAsync(2);
        await world.WaitForSentAsync(2);
        await world.SettleAsync();
        Assert.That(_smtp.Snapshot(), Has.Count.EqualTo(2));
        Assert.That(next[1].Data, Does.Contain("daily digest for 2026-03-03"));
        Assert.That(next[1].Data, Does.Contain("Routine alerts new since the last digest: 0."));
        Assert.That(next[1].Data, Does.Contain("0 urgent, 0 high, 1 routine"));
    }

    [Test]
    public async Task A_failing_webhook_is_retried_then_the_circuit_opens_and_the_message_waits_in_the_table_until_it_goes_through()
    {
        var configuration = Configuration();
        configuration["Alerting:Contacts:0:Email"] = null; // the pager only
        _hook.Status = 500;
        await using var world = await new AlertWorld(Start, configuration, engine).StartAsync();
        await world.RaiseUrgentAsync();

        // One attempt from the table: the first request and two Polly retries, all 500. The breaker opens.
        Assert.That(await _hook.WaitForAsync(3), Has.Count.EqualTo(3));
        Assert.That(await world.WaitForCountAsync("SELECT COUNT(*) FROM delivery_messages WHERE attempts = 1 AND last_error = 'HttpRequestException' AND lease_until IS NULL", 1), Is.EqualTo(1));

        // The next attempt from the table (30 s later) meets the open circuit: nothing reaches the endpoint.
        world.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(await world.WaitForCountAsync("SELECT COUNT(*) FROM delivery_messages WHERE attempts = 2 AND last_error = 'BrokenCircuitException' AND lease_until IS NULL", 1), Is.EqualTo(1));
        Assert.That(_hook.Requests, Has.Count.EqualTo(3));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE sent_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL"), Is.EqualTo(1), "not lost");

        // The endpoint recovers; after the break the circuit lets a request through and the message goes out.
        _hook.Status = 202;
        world.NetworkTime.Skip(TimeSpan.FromMilliseconds(600)); // past the breaker's 0.5 s break, without sleeping
        world.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await world.WaitForCountAsync("SELECT COUNT(*) FROM delivery_messages WHERE sent_at IS NOT NULL AND sent_via = 'webhook'", 1), Is.EqualTo(1));
        await world.SettleAsync();
        var requests = _hook.Requests;
        Assert.That(requests, Has.Count.EqualTo(4));
        Assert.That(requests.Select(r => r.IdempotencyKey).Distinct().ToList(), Has.Count.EqualTo(1), "every try carries the same idempotency key");
        Assert.That(requests.Select(r => r.Body).Distinct().ToList(), Has.Count.EqualTo(1), "and the same signed body");
    }

    [Test]
    public async Task With_nothing_configured_messages_go_to_the_development_outbox()
    {
        await using var world = await new AlertWorld(Start, new Dictionary<string, string?>(StringComparer.Ordinal), engine).StartAsync();
        const string AlertMessages = "SELECT COUNT(*) FROM delivery_dev_outbox o JOIN delivery_messages d ON d.id = o.delivery_id WHERE d.kind <> 'digest'";
        var (patient, alert) = await world.RaiseUrgentAsync();
        Assert.That(await world.WaitForCountAsync(AlertMessages, 1), Is.EqualTo(1));
        await world.WaitForSentAsync(1);
        world.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.That(await world.WaitForCountAsync(AlertMessages, 2), Is.EqualTo(2));
        await world.SettleAsync();

        // The digest (08:00 UTC by default, 8.5 hours ago) went to the first development contact too.
        var entries = await world.Services.GetRequiredService<Surveys.Delivery.DevelopmentOutboxSender>().ReadAsync(10, CancellationToken.None);
        Assert.That(entries, Has.Count.EqualTo(3));
        var alerts = entries.Where(e => !e.Subject.Contains("digest", StringComparison.Ordinal)).ToList();
        Assert.That(alerts.Select(e => e.Recipient), Is.EquivalentTo(AlertingOptions.DevelopmentContacts.Select(c => c.Name)));
        Assert.That(alerts.Select(e => e.Text), Has.All.Contain($"https://staff.clinic.example/alerts/{alert:D}"));
        foreach (var entry in entries)
        {
            AssertNothingClinical(entry.Subject + entry.Text, patient);
        }

        Assert.That(_smtp.Snapshot(), Is.Empty);
    }

    [TestCase("2026-03-02T02:29:00Z", null)]
    [TestCase("2026-03-02T02:30:00Z", "2026-03-02")]
    [TestCase("2026-03-02T14:29:00Z", "2026-03-02")]
    [TestCase("2026-03-02T14:31:00Z", null)]
    public void The_digest_is_due_from_its_local_time_for_twelve_hours(string now, string? expected)
    {
        var options = new AlertingOptions { TimeZone = "Asia/Kolkata", DigestAt = new TimeOnly(8, 0) };
        var due = AlertDeliveryProcessor.DueDigest(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), options);
        Assert.That(due?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(expected));
    }

    [Test]
    public void A_webhook_contact_without_a_secret_or_an_email_contact_without_smtp_is_refused()
    {
        var options = new AlertingOptions { Contacts = [new AlertContact { Name = "pager", Webhook = new Uri("https://pager.example/hook") }, new AlertContact { Name = "x", Email = "x@example.org" }] };
        Assert.That(options.Problems().ToList(), Has.Count.EqualTo(2));
        options.WebhookSecret = Secret;
        options.Smtp.Host = "smtp.example.org";
        Assert.That(options.Problems(), Is.Empty);
    }
}
