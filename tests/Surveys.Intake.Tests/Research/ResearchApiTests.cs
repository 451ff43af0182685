using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.Intake.Tests.Research;

/// <summary>
/// The research export and its dictionary, and who may read the outcomes report: streamed CSV, admin only, every export
/// in the audit trail. Submissions are scored as the scoring worker would (the scoring engine, over the test harness).
/// (The report itself, with the notifier's alert statistics, is tested on the real processes: OutcomesSystemTests.)
/// </summary>
public class ResearchApiTests
{
    private IntakeFactory _intake = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _intake = await IntakeFactory.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _intake.DisposeAsync();

    private async Task<Guid> SubmitScoredAsync(Guid patientId, int perItem, int? item9 = null)
    {
        var token = await _intake.InviteAsync(patientId, "phq9");
        var submissionId = await _intake.SubmitAsync(token, Enumerable.Range(1, 9).ToDictionary(
            i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 9 && item9 is { } nine ? nine : perItem));
        await _intake.ScoreAsync(await _intake.PublishedSubmissionAsync(m => m.SubmissionId == submissionId));
        var stage = await Eventually.ReadAsync(
            async () => (await _intake.Admin.GetFromJsonAsync<JsonObject>($"/api/responses/{submissionId}"))!["status"]!.GetValue<string>(),
            s => s == "scored", TimeSpan.FromSeconds(30));
        Assert.That(stage, Is.EqualTo("scored"));
        return submissionId;
    }

    [Test]
    public async Task An_admin_gets_one_row_per_scored_submission_and_the_export_is_audited()
    {
        var patientId = await _intake.CreatePatientAsync();
        var first = await SubmitScoredAsync(patientId, 2);
        var second = await SubmitScoredAsync(patientId, 1);

        using var response = await _intake.Admin.GetAsync(new Uri("/api/research/export?instrument=phq9&format=csv", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.That(lines[^1], Is.Empty, "the last row ends with CRLF");
        var header = lines[0].Split(',');
        var rows = lines[1..^1].Select(l => l.Split(',')).Select(cells => header.Zip(cells).ToDictionary(p => p.First, p => p.Second)).ToList();
        var mine = rows.Where(r => r["patient_id"] == patientId.ToString()).ToDictionary(r => Guid.Parse(r["submission_id"]));
        Assert.That(mine.Keys, Is.EquivalentTo(new[] { first, second }));
        Assert.Multiple(() =>
        {
            Assert.That((mine[first]["total"], mine[first]["band"], mine[first]["item_9"], mine[first]["item_10"]), Is.EqualTo(("18", "moderately_severe", "2", "")));
            Assert.That((mine[second]["total"], mine[second]["band"], mine[second]["status"]), Is.EqualTo(("9", "mild", "scored")));
            Assert.That(mine[first]["days_since_index"], Is.Empty, "this patient has no index date");
            Assert.That(lines[0], Does.Not.Contain("submitted_at"), "no calendar dates leave in the export");
        });

        var audit = (await _intake.Admin.GetFromJsonAsync<JsonArray>("/api/audit?action=research_export"))!;
        Assert.That(audit.Select(e => ((string)e!["actor"]!, (string)e["target"]!)),
            Does.Contain(("admin", $"phq9 csv rows={rows.Count}")), audit.ToJsonString());
        var started = (await _intake.Admin.GetFromJsonAsync<JsonArray>("/api/audit?action=research_export_start"))!;
        Assert.That(started.Select(e => (string)e!["target"]!), Does.Contain("phq9 csv"));
    }

    [TestCase("nurse", HttpStatusCode.Forbidden)]
    [TestCase("operator", HttpStatusCode.Forbidden)]
    [TestCase(null, HttpStatusCode.Unauthorized)]
    public async Task Only_an_admin_may_export(string? role, HttpStatusCode expected)
    {
        using var client = role is null ? _intake.Anonymous() : _intake.As(role);

        foreach (var path in new[] { "/api/research/export?instrument=phq9", "/api/research/dictionary?instrument=phq9" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.That(response.StatusCode, Is.EqualTo(expected), path);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        }
    }

    [TestCase("/api/research/export?instrument=phq99", HttpStatusCode.NotFound, "phq9")]
    [TestCase("/api/research/export", HttpStatusCode.BadRequest, "instrument")]
    [TestCase("/api/research/export?instrument=phq9&format=xlsx", HttpStatusCode.BadRequest, "csv")]
    [TestCase("/api/research/dictionary?instrument=nope", HttpStatusCode.NotFound, "gad7")]
    public async Task Bad_requests_get_problem_details(string path, HttpStatusCode expected, string mentioned)
    {
        using var response = await _intake.Admin.GetAsync(new Uri(path, UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(expected));
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain(mentioned));
    }

    [Test]
    public async Task The_dictionary_lists_each_column_with_its_answer_labels()
    {
        var text = await _intake.Admin.GetStringAsync(new Uri("/api/research/dictionary?instrument=phq9", UriKind.Relative));

        Assert.That(text, Does.StartWith("column,type,meaning,allowed_values\r\n"));
        Assert.That(text, Does.Contain("item_9,integer (answer code)"));
        Assert.That(text, Does.Contain("0 = Not at all; 1 = Several days; 2 = More than half the days; 3 = Nearly every day"));
    }

    [TestCase("/api/outcomes/report", "operator", HttpStatusCode.Forbidden)]
    [TestCase("/api/outcomes/report?protocol=nope", "admin", HttpStatusCode.NotFound)]
    public async Task Who_may_read_the_report(string path, string role, HttpStatusCode expected)
    {
        using var client = _intake.As(role);

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
    }
}
