using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Surveys.Intake.Data;
using Surveys.Intake.Delivery;
using Surveys.Data;
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

        using var http = new HttpClient();
        var options = Options.Create(new DeliveryOptions
        {
            Webhook = new WebhookOptions { Url = new Uri($"http://127.0.0.1:{port}/sms/"), Secret = Secret, MaxRetries = 3, RetryDelay = TimeSpan.FromMilliseconds(10) },
        });
        var sender = new WebhookSender(http, options, NullLogger<WebhookSender>.Instance);
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
        using var http = new HttpClient();
        var sender = new WebhookSender(http, Options.Create(new DeliveryOptions
        {
            Webhook = new WebhookOptions { Url = new Uri($"http://127.0.0.1:{port}/"), Secret = Secret, MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(5) },
        }), NullLogger<WebhookSender>.Instance);

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
        world.DeliveryOptions.Smtp = new Surveys.ServiceDefaults.Delivery.SmtpTransportOptions { Host = "127.0.0.1", Port = smtp.Port, Security = "None", From = "clinic@example.org" };
        var patient = await world.EnrolAsync("2026-03-02", contacts: new PatientContact("email", "patient@example.org"));
        await world.Main.Scheduler.RunOnceAsync(CancellationToken.None);

        var sent = await world.Main.Processor(new SmtpSender(Options.Create(world.DeliveryOptions))).RunOnceAsync(CancellationToken.None);

        Assert.That(sent, Is.EqualTo(6), "the six baseline invitations");
        Assert.That(smtp.Messages, Has.Count.EqualTo(6));
        var links = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in smtp.Messages)
        {
            Assert.That(message.Recipients, Is.EqualTo(new[] { "patient@example.org" }));
            Assert.That(message.Data, Does.Contain("Riverside Clinic"));
            var link = System.Text.RegularExpressions.Regex.Match(message.Data, @"https://surveys\.example\.org/s/[A-Za-z0-9_-]{43}").Value;
            Assert.That(link, Is.Not.Empty, message.Data);
            links.Add(link);
            // The link's random token may spell anything ("gad" turned up once): look at the words around it.
            var words = message.Data.Replace(link, "<link>", StringComparison.Ordinal).ToLowerInvariant();
            foreach (var word in InstrumentWords)
            {
                Assert.That(words, Does.Not.Contain(word));
            }
        }

        // Each link opens its invitation: its token's hash is what intake stored.
        var hashes = await world.QueryAsync<string>("SELECT token_hash FROM invitations");
        Assert.That(links.Select(l => Surveys.Intake.Invitations.InvitationToken.Hash(l[(l.LastIndexOf('/') + 1)..])), Is.EquivalentTo(hashes));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM deliveries WHERE sent_at IS NOT NULL AND sent_via = 'smtp'"), Is.EqualTo(6));
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
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM deliveries WHERE sent_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL"), Is.EqualTo(5));
        Assert.That(await world.CountAsync("SELECT COUNT(*) FROM deliveries WHERE cancelled_at IS NOT NULL"), Is.EqualTo(1), "the answered PHQ-9's link is not sent");

        // A new process (the first died) with a working sender: nothing is sent before the retry time, then all five.
        var later = world.NewInstance();
        var outbox = new DevOutboxSender(later.Db, later.Protector, world.Time);
        Assert.That(await later.Processor(outbox).RunOnceAsync(CancellationToken.None), Is.Zero);
        world.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await later.Processor(outbox).RunOnceAsync(CancellationToken.None), Is.EqualTo(5));
        Assert.That(await later.Processor(outbox).RunOnceAsync(CancellationToken.None), Is.Zero);

        var entries = await later.Deliveries.DevOutboxAsync(10, CancellationToken.None);
        Assert.That(entries, Has.Count.EqualTo(5));
        Assert.That(entries.Select(e => later.Protector.TryUnprotect(e.ProtectedText)), Has.All.Contain("https://surveys.example.org/s/"));
        Assert.That(entries.Select(e => e.ProtectedText), Has.None.Contain("/s/"), "kept protected at rest");
    }

    private sealed class FlakySender : IInvitationSender
    {
        public int FailuresLeft { get; set; }

        public string Name => DevOutboxSender.SenderName;

        public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
            FailuresLeft-- > 0 ? throw new IOException("gateway down") : Task.CompletedTask;
    }
}
