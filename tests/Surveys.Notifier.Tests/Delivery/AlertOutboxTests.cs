using System.Net;
using System.Net.Http.Json;
using Surveys.Contracts;
using Surveys.Data;
using Surveys.Testing;

namespace Surveys.Notifier.Tests.Delivery;

/// <summary>
/// With no contacts configured (Development), an urgent alert's message goes to the first development contact through the
/// delivery module's development outbox, which nurses and admins read at <c>GET /api/dev/alert-outbox</c>: a severity and a
/// link, nothing clinical. On SQLite and on PostgreSQL.
/// </summary>
[TestFixture(StorageEngine.Sqlite)]
[TestFixture(StorageEngine.Postgres)]
public class AlertOutboxTests(StorageEngine engine)
{
    private NotifierFactory _notifier = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _notifier = new NotifierFactory(engine);
        _notifier.Start();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_notifier is not null)
        {
            await _notifier.DisposeAsync();
        }
    }

    [Test]
    public async Task An_urgent_alerts_message_reaches_the_development_outbox_with_a_link_and_nothing_clinical()
    {
        using var nurse = _notifier.As("nurse");
        var patientId = Guid.NewGuid();
        var scored = NotifierFactory.Phq9(patientId, 4, "self_harm_risk");

        await _notifier.ScoreAsync(scored);
        var raised = await _notifier.PublishedAsync<PatientAlertRaised>(m => m.SubmissionId == scored.SubmissionId);

        var messages = await Eventually.ReadAsync(
            async () => (await nurse.GetFromJsonAsync<List<DevelopmentOutboxMessage>>("/api/dev/alert-outbox"))!,
            m => m.Any(x => x.Text.Contains(raised!.AlertId.ToString("D"), StringComparison.Ordinal)));
        var message = messages.Single(x => x.Text.Contains(raised!.AlertId.ToString("D"), StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(message.To, Is.EqualTo("first contact (development outbox)"));
            Assert.That(message.Channel, Is.EqualTo("outbox"));
            Assert.That(message.Subject, Is.EqualTo("Surveys: an urgent alert needs review"));
            Assert.That(message.Subject + message.Text, Does.Not.Contain(patientId.ToString("D")).And.Not.Contain("phq9").And.Not.Contain("self_harm"));
        });
    }

    [Test]
    public async Task The_alert_outbox_is_for_signed_in_nurses_and_admins_only()
    {
        using var operatorClient = _notifier.As("operator");
        using var anonymous = _notifier.Anonymous();

        Assert.That((await operatorClient.GetAsync(new Uri("/api/dev/alert-outbox", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await anonymous.GetAsync(new Uri("/api/dev/alert-outbox", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
