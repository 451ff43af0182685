using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Surveys.Data;
using Surveys.Delivery;
using Surveys.Intake.Delivery;
using Surveys.Intake.Patients;
using Surveys.UnitTests.AlertDelivery;

namespace Surveys.UnitTests.Scheduling;

/// <summary>The delivery adapters against real local servers, and the durable queue around them.</summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class DeliveryTests(StorageEngine engine)
{
    private const string Secret = "a-webhook-secret-of-some-length";
    private static readonly string[] InstrumentWords = ["phq", "gad", "who-5", "who5", "paid", "gold", "diary", "diabetes", "depress", "anxiety", "hypo"];

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Test]
    public async Task The_webhook_signs_the_time_the_idempotency_key_the_delivery_id_and_the_body_and_retries_on_500()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/sms/");
        listener.Start();
        var received = new List<(string Body, string? Signature, string? Key, string? Delivery)>();
        var server = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var context = await listener.GetContextAsync();
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                received.Add((await reader.ReadToEndAsync(), context.Request.Headers["X-Surveys-Signature"], context.Request.Headers["Idempotency-Key"], context.Request.Headers["X-Surveys-Delivery"]));
                context.Response.StatusCode = i < 2 ? 500 : 202;
                context.Response.Close();
            }
        });

        var webhook = new SignedWebhookOptions { Url = new Uri($"http://127.0.0.1:{port}/sms/"), Secret = Secret, MaxRetries = 3, RetryDelay = TimeSpan.FromMilliseconds(10) };
        var sender = new WebhookMessageSender(new OneClient(), () => webhook, NullLogger<WebhookMessageSender>.Instance);
        var message = new OutgoingMessage(Guid.NewGuid(), "sms", "+919812345678", "subject", "Riverside Clinic: open https://x.example/s/abc");

        await sender.SendAsync(message, CancellationToken.None);
        await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(received, Has.Count.EqualTo(3), "two 500s, then success");
        var now = DateTimeOffset.UtcNow;
        var tolerance = TimeSpan.FromMinutes(5);
        foreach (var (body, signature, key, delivery) in received)
        {
            Assert.That(signature, Does.Match("^t=[0-9]+,v1=[0-9a-f]{64}$"));
            Assert.That(WebhookSignature.Verify(Secret, signature, key, delivery, body, now, tolerance), Is.True, "a receiver accepts it");
            Assert.That(delivery, Is.EqualTo(message.DeliveryId.ToString("D")));
            Assert.That(key, Is.EqualTo(message.DeliveryId.ToString("D")));

            // Each part is covered: another delivery id, key or body, or the same request replayed after the tolerance, is refused.
            Assert.That(WebhookSignature.Verify(Secret, signature, key, Guid.NewGuid().ToString("D"), body, now, tolerance), Is.False);
            Assert.That(WebhookSignature.Verify(Secret, signature, Guid.NewGuid().ToString("D"), delivery, body, now, tolerance), Is.False);
            Assert.That(WebhookSignature.Verify(Secret, signature, key, delivery, body + " ", now, tolerance), Is.False);
            Assert.That(WebhookSignature.Verify(Secret, signature, key, delivery, body, now.AddMinutes(6), tolerance), Is.False);
            using var json = JsonDocument.Parse(body);
            Assert.That(json.RootElement.GetProperty("to").GetString(), Is.EqualTo("+919812345678"));
            Assert.That(json.RootElement.GetProperty("text").GetString(), Is.EqualTo(message.Text));
        }
    }

    [Test]
    public async Task The_webhook_gives_up_after_its_bounded_retries_and_throws()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var context = await listener.GetContextAsync().WaitAsync(stop.Token);
                Interlocked.Increment(ref calls);
                context.Response.StatusCode = 503;
                context.Response.Close();
            }
        });
        var webhook = new SignedWebhookOptions { Url = new Uri($"http://127.0.0.1:{port}/"), Secret = Secret, MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(5) };
        var sender = new WebhookMessageSender(new OneClient(), () => webhook, NullLogger<WebhookMessageSender>.Instance);

        Assert.ThrowsAsync<HttpRequestException>(() => sender.SendAsync(new OutgoingMessage(Guid.NewGuid(), "sms", "+441234567890", "s", "t"), CancellationToken.None));
        await stop.CancelAsync();
        Assert.That(calls, Is.EqualTo(3));
        try
        {
            await server;
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Test]
    public async Task A_scheduled_invitation_reaches_an_smtp_server_with_the_link_the_clinic_and_nothing_clinical()
    {
        using var smtp = new FakeSmtpServer();
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 3, 2, 4, 0, 0, TimeSpan.Zero), engine);
        world.DeliveryOptions.Channels["email"] = "smtp";
        world.DeliveryOptions.Smtp = new Surveys.Delivery.SmtpTransportOptions { Host = "127.0.0.1", Port = smtp.Port, Security = "None", From = "clinic@example.org" };
        var patient = await world.EnrolAsync("2026-03-02", contacts: new PatientContact("email", "patient@example.org"));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);

        var sent = await world.Main.Processor(new SmtpMessageSender(() => world.DeliveryOptions.Smtp)).RunOnceAsync(CancellationToken.None);

        // The six baseline questionnaires are due together: one message, with one link, that says how many are waiting.
        Assert.That(sent, Is.EqualTo(1), "one visit, one message");
        Assert.That(smtp.Messages, Has.Count.EqualTo(1));
        var message = smtp.Messages.Single();
        Assert.That(message.Recipients, Is.EqualTo(new[] { "patient@example.org" }));
        Assert.That(message.Data, Does.Contain("Riverside Clinic").And.Contain("6 short questionnaires are waiting for you"));
        var links = System.Text.RegularExpressions.Regex.Matches(message.Data, @"https://surveys\.example\.org/s/[A-Za-z0-9_-]{43}").Select(m => m.Value).Distinct().ToList();
        Assert.That(links, Has.Count.EqualTo(1), message.Data);
        var link = links[0];

        // The link's random token may spell anything ("gad" turned up once): look at the words around it.
        var words = message.Data.Replace(link, "<link>", StringComparison.Ordinal).ToLowerInvariant();
        foreach (var word in InstrumentWords)
        {
            Assert.That(words, Does.Not.Contain(word));
        }

        // The link opens the first questionnaire of the visit in protocol order (PHQ-9); its page leads to the others.
        var phq9 = await world.QueryAsync<string>("SELECT token_hash FROM invitations WHERE instrument = 'phq9'");
        Assert.That(Surveys.Intake.Invitations.InvitationToken.Hash(link[(link.LastIndexOf('/') + 1)..]), Is.EqualTo(phq9.Single()));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE sent_at IS NOT NULL AND sent_via = 'smtp'"), Is.EqualTo(1));
        Assert.That(patient, Is.Not.EqualTo(Guid.Empty));
    }

    [Test]
    public async Task A_failed_delivery_stays_queued_and_is_sent_later_and_a_closed_link_is_never_sent()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 3, 2, 4, 0, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-03-02");
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        var phq9 = (await world.QueryAsync<Guid>("SELECT id FROM invitations WHERE instrument = 'phq9'")).Single();
        await world.AnswerAsync(phq9, patient, "phq9");

        var failing = new FlakySender { FailuresLeft = 100 };
        Assert.That(await world.Main.Processor(failing).RunOnceAsync(CancellationToken.None), Is.Zero);
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE sent_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL"), Is.EqualTo(1),
            "the visit's one message waits: five of its questionnaires are still open");
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE cancelled_at IS NOT NULL"), Is.Zero);

        // A new process (the first died) with a working sender: nothing is sent before the retry time, then the message.
        var later = world.NewInstance();
        var outbox = new DevelopmentOutboxSender(later.Db, world.Time, later.Protector);
        Assert.That(await later.Processor(outbox).RunOnceAsync(CancellationToken.None), Is.Zero);
        world.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await later.Processor(outbox).RunOnceAsync(CancellationToken.None), Is.EqualTo(1));
        Assert.That(await later.Processor(outbox).RunOnceAsync(CancellationToken.None), Is.Zero);

        var entries = await outbox.ReadAsync(10, CancellationToken.None);
        Assert.That(entries, Has.Count.EqualTo(1));
        var text = entries[0].Text;
        Assert.That(text, Does.Contain("5 short questionnaires are waiting for you"));
        var token = System.Text.RegularExpressions.Regex.Match(text, "https://surveys\\.example\\.org/s/([A-Za-z0-9_-]{43})").Groups[1].Value;
        var linked = await world.QueryAsync<string>("SELECT instrument FROM invitations WHERE token_hash = @hash", new { hash = Surveys.Intake.Invitations.InvitationToken.Hash(token) });
        Assert.That(linked, Is.EqualTo(new[] { "gad7" }), "the answered PHQ-9's link is not sent: the next open questionnaire of the visit's");
        Assert.That(await world.QueryAsync<string>("SELECT text FROM delivery_dev_outbox"), Has.Count.EqualTo(1).And.None.Contain("/s/"), "kept protected at rest");
    }

    [Test]
    public async Task A_visits_message_is_cancelled_only_when_none_of_its_questionnaires_is_open()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 3, 2, 4, 0, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-03-02", contacts: [new PatientContact("email", "p@example.org"), new PatientContact("sms", "+441234567890")]);
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages"), Is.EqualTo(2), "one message per channel for the six questionnaires due together");

        var all = await world.QueryAsync<(Guid, string)>("SELECT id, instrument FROM invitations");
        foreach (var (id, instrument) in all.Take(all.Count - 1))
        {
            await world.AnswerAsync(id, patient, instrument);
        }

        var outbox = new DevelopmentOutboxSender(world.Main.Db, world.Time, world.Main.Protector);
        var left = all[^1];
        Assert.That(await world.Main.Processor(outbox).RunOnceAsync(CancellationToken.None), Is.EqualTo(2), "one questionnaire is still open");
        var texts = (await outbox.ReadAsync(10, CancellationToken.None)).Select(e => e.Text).ToList();
        Assert.That(texts, Has.All.Contain("a short questionnaire is waiting for you"), "one open: singular");

        // The next visit's messages: every questionnaire answered before they go out, so they are cancelled, never sent.
        await world.AnswerAsync(left.Item1, patient, left.Item2);
        world.Time.Advance(TimeSpan.FromDays(1));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        var diary = (await world.QueryAsync<Guid>("SELECT id FROM invitations WHERE used_at IS NULL AND expired_at IS NULL")).Single();
        await world.AnswerAsync(diary, patient, "t1d_diary");
        Assert.That(await world.Main.Processor(outbox).RunOnceAsync(CancellationToken.None), Is.Zero);
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE cancelled_at IS NOT NULL AND last_error = 'link closed'"), Is.EqualTo(2));
    }

    [Test]
    public async Task Reminders_go_once_per_channel_per_visit_while_any_of_its_questionnaires_is_open()
    {
        using var world = new FollowUpWorld(new DateTimeOffset(2026, 3, 2, 4, 0, 0, TimeSpan.Zero), engine);
        var patient = await world.EnrolAsync("2026-03-02", contacts: [new PatientContact("email", "p@example.org"), new PatientContact("sms", "+441234567890")]);
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        var ids = (await world.QueryAsync<(Guid, string)>("SELECT id, instrument FROM invitations")).ToDictionary(r => r.Item2, r => r.Item1);
        foreach (var instrument in new[] { "phq9", "gad7", "t1d_diary" })
        {
            await world.AnswerAsync(ids[instrument], patient, instrument);
        }

        // 24 hours after 09:00: WHO-5, PAID-20 and Gold are owed their first reminder; the patient gets one per channel.
        world.Time.Advance(TimeSpan.FromHours(23).Add(TimeSpan.FromMinutes(31)));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        await world.NewInstance().Scheduler.RunOnceAsync(CancellationToken.None);
        Assert.That(await world.CountAsync("SELECT SUM(reminders_sent) FROM invitations"), Is.EqualTo(3), "each open questionnaire records its reminder");
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE kind = 'reminder'"), Is.EqualTo(2), "one per channel for the visit");

        var outbox = new DevelopmentOutboxSender(world.Main.Db, world.Time, world.Main.Protector);
        await world.Main.Processor(outbox).RunOnceAsync(CancellationToken.None);
        var reminders = (await outbox.ReadAsync(10, CancellationToken.None))
            .Select(e => e.Text).Where(t => t.Contains("a reminder", StringComparison.Ordinal)).ToList();
        Assert.That(reminders, Has.Count.EqualTo(2));
        Assert.That(reminders, Has.All.Contain("3 short questionnaires are waiting for you"));
        foreach (var text in reminders)
        {
            var token = System.Text.RegularExpressions.Regex.Match(text, "/s/([A-Za-z0-9_-]{43})").Groups[1].Value;
            var open = await world.CountAsync(
                "SELECT COUNT(*) FROM invitations WHERE token_hash = @hash AND used_at IS NULL", new { hash = Surveys.Intake.Invitations.InvitationToken.Hash(token) });
            Assert.That(open, Is.EqualTo(1), "the reminder's link is to an open questionnaire");
        }

        // The 48-hour reminder: again one per channel.
        world.Time.Advance(TimeSpan.FromDays(1));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM delivery_messages WHERE kind = 'reminder'"), Is.EqualTo(4));
    }

    [TestCase("invitation", "en", 1, "a short questionnaire is waiting for you")]
    [TestCase("invitation", "en", 4, "4 short questionnaires are waiting for you")]
    [TestCase("reminder", "en", 1, "a reminder that a short questionnaire is waiting for you")]
    [TestCase("reminder", "en", 3, "a reminder that 3 short questionnaires are waiting for you")]
    [TestCase("invitation", "hi", 1, "आपके लिए एक नई प्रश्नावली है")]
    [TestCase("invitation", "hi", 4, "आपके लिए 4 नई प्रश्नावलियाँ हैं")]
    [TestCase("reminder", "hi", 1, "आपकी प्रश्नावली अभी भी आपका इंतज़ार कर रही है")]
    [TestCase("reminder", "hi", 3, "आपकी 3 प्रश्नावलियाँ अभी भी आपका इंतज़ार कर रही हैं")]
    public void The_text_says_how_many_questionnaires_are_waiting_in_the_patients_language(string kind, string language, int count, string expected)
    {
        var link = new Uri("https://surveys.example.org/s/abc");
        var (subject, text) = MessageText.Build(kind, language, "Riverside Clinic", link, count);
        Assert.That(text, Does.Contain(expected).And.Contain(link.ToString()).And.StartWith("Riverside Clinic"));
        Assert.That(subject, Does.StartWith("Riverside Clinic"));
    }

    private sealed class FlakySender : IMessageSender
    {
        public int FailuresLeft { get; set; }

        public string Name => SenderNames.Outbox;

        public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
            FailuresLeft-- > 0 ? throw new IOException("gateway down") : Task.CompletedTask;
    }

    /// <summary>The webhook sender's client factory, for a test: a new plain client each time.</summary>
    private sealed class OneClient : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
