using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Surveys.IntegrationTests.Outcomes;

/// <summary>
/// The outcomes report on the real processes, built by intake with the notifier's alert statistics, and the console's
/// export and report. (The research export API alone, and who may read the report, are tested on intake in-process:
/// Surveys.Intake.Tests, ResearchApiTests; who may read the alert summary in Surveys.Notifier.Tests.)
/// </summary>
[NonParallelizable]
public class OutcomesSystemTests
{
    private RunningSystem _system = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _system = await RunningSystem.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _system.DisposeAsync();

    private async Task<Guid> SubmitScoredAsync(Guid patientId, int perItem, int? item9 = null)
    {
        var token = await _system.InviteAsync(patientId, "phq9");
        var submissionId = await _system.SubmitAsync(token, Enumerable.Range(1, 9).ToDictionary(
            i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 9 && item9 is { } nine ? nine : perItem));
        var stage = await RunningSystem.EventuallyAsync(
            async () => (await _system.IntakeClient.GetFromJsonAsync<JsonObject>($"/api/responses/{submissionId}"))!["status"]!.GetValue<string>(),
            s => s == "scored", TimeSpan.FromSeconds(60));
        Assert.That(stage, Is.EqualTo("scored"));
        return submissionId;
    }

    [Test]
    public async Task The_report_shows_the_cohort_and_the_notifiers_alert_statistics()
    {
        var enrol = await _system.IntakeClient.PostAsJsonAsync("/api/patients", new
        {
            timeZone = "UTC",
            indexDate = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            protocol = "t1d-followup",
        });
        Assert.That(enrol.StatusCode, Is.EqualTo(HttpStatusCode.Created), await enrol.Content.ReadAsStringAsync());
        var patientId = (await enrol.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        await SubmitScoredAsync(patientId, 1, item9: 1);   // day 0: the baseline; item 9 raises a critical_item alert

        var alerts = await RunningSystem.EventuallyAsync(
            async () => (await _system.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!,
            a => a.Count > 0, TimeSpan.FromSeconds(30));
        var alertId = alerts.Single(a => (string)a!["rule"]! == "critical_item")!["id"]!.GetValue<Guid>();
        (await _system.NotifierClient.PostAsync(new Uri($"/api/alerts/{alertId}/acknowledge", UriKind.Relative), null)).EnsureSuccessStatusCode();

        var summary = (await _system.NotifierClient.GetFromJsonAsync<JsonObject>("/api/alerts/summary"))!;
        var critical = summary["rules"]!.AsArray().Single(r => (string)r!["rule"]! == "critical_item")!;
        // Other tests' PHQ-9s (item 9 answered) raise critical_item alerts too: this one is acknowledged, theirs stay open.
        var (raised, acknowledged, open) = (critical["raised"]!.GetValue<int>(), critical["acknowledged"]!.GetValue<int>(), critical["openUnacknowledged"]!.GetValue<int>());
        Assert.That((acknowledged, raised), Is.EqualTo((1, acknowledged + open)));
        Assert.That(critical["medianHoursToAcknowledge"]!.GetValue<double>(), Is.GreaterThanOrEqualTo(0).And.LessThan(1));

        using var response = await _system.IntakeClient.GetAsync(new Uri("/api/outcomes/report", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("Descriptive, not causal."));
            Assert.That(html, Does.Contain("1 patients enrolled"));
            Assert.That(html, Does.Contain("Patients with a baseline: 1."), "the day-0 PHQ-9 is the baseline");
            Assert.That(html, Does.Not.Contain("alerts-missing"), "the notifier answered");
            Assert.That(PortalForms.Text(html), Does.Contain($"critical item {raised} 1 {open}"), "the critical-item row: raised, acknowledged, open");
            Assert.That(html, Does.Contain($"Patient {patientId}"), "the patient's trajectory is charted");
            Assert.That(html, Does.Not.Contain("<script").And.Not.Contain("<link"), "one self-contained file");
        });

        var audit = (await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?action=outcomes_report"))!;
        Assert.That(audit.Select(e => ((string)e!["actor"]!, (string)e["target"]!)), Does.Contain(("admin", "t1d-followup")));
    }

    [Test]
    public async Task The_console_saves_the_export_its_dictionary_and_the_report()
    {
        await SubmitScoredAsync(await _system.CreatePatientAsync(), 3);
        var config = Directory.CreateTempSubdirectory("surveys-outcomes-cli-").FullName;
        try
        {
            var login = await Security.SecurityTests.CliAsync(config, _system.AdminPassword, "login", "--url", _system.Intake.BaseAddress.ToString(), "--user", "admin", "--password-stdin");
            Assert.That(login.ExitCode, Is.Zero, login.Output);
            var (csv, dictionary, report) = (Path.Combine(config, "phq9.csv"), Path.Combine(config, "phq9-dictionary.csv"), Path.Combine(config, "report.html"));

            var export = await Security.SecurityTests.CliAsync(config, null, "export", "--instrument", "phq9", "--format", "csv", "--out", csv, "--dictionary", dictionary);
            Assert.That(export.ExitCode, Is.Zero, export.Output);
            var lines = await File.ReadAllLinesAsync(csv);
            Assert.That(lines[0], Does.StartWith("patient_id,submission_id,days_since_index,"));
            Assert.That(lines.Skip(1).Any(l => l.Contains(",27,severe,0", StringComparison.Ordinal)), Is.True, "the all-3s PHQ-9 is exported");
            Assert.That(await File.ReadAllTextAsync(dictionary), Does.StartWith("column,type,meaning,allowed_values"));

            var unknown = await Security.SecurityTests.CliAsync(config, null, "export", "--instrument", "phq99", "--out", Path.Combine(config, "none.csv"));
            Assert.That(unknown.ExitCode, Is.EqualTo(1));
            Assert.That(unknown.Output, Does.Contain("404 Unknown instrument"));
            Assert.That(Directory.GetFiles(config, "none.csv*"), Is.Empty, "nothing is left behind");

            var saved = await Security.SecurityTests.CliAsync(config, null, "report", "--out", report);
            Assert.That(saved.ExitCode, Is.Zero, saved.Output);
            Assert.That(await File.ReadAllTextAsync(report), Does.StartWith("<!DOCTYPE html>").And.Contain("Descriptive, not causal."));
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }
}
