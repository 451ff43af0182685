using Surveys.Data.Audit;

namespace Surveys.UnitTests.Security;

/// <summary>The console's audit entries are taken only in the shapes the console writes (issue 20, item 11).</summary>
public class ConsoleAuditEntryTests
{
    [TestCase("errors_purge", "//scoring-score-submission_error", "about 3")]
    [TestCase("errors_replay", "surveys/notifier-survey-scored_skipped", "started")]
    [TestCase("errors_replay", "surveys-test-0123abcd/scoring-score-submission_error id 3f2a0000-1b2c-4d5e-8f90-0a1b2c3d4e5f", "started")]
    [TestCase("errors_replay", "//scoring-score-submission_error", "replayed 0")]
    [TestCase("errors_purge", "//scoring-score-submission_error", null)]
    public void What_the_console_writes_is_taken(string action, string target, string? outcome) =>
        Assert.That(AuditRegistration.IsConsoleEntry(action, target, outcome), Is.True);

    [TestCase("delete_everything", "//q_error", "started")]
    [TestCase("errors_purge", "Jane Doe, 12 High Street", "started")]
    [TestCase("errors_purge", "//scoring-score-submission", "started")]
    [TestCase("errors_purge", "//q_error\n", "started")]
    [TestCase("errors_purge", "//q_error\nadmin user_disable ok", "started")]
    [TestCase("errors_purge", "//q_error id <script>", "started")]
    [TestCase("errors_purge", "", "started")]
    [TestCase("errors_purge", null, "started")]
    [TestCase("errors_purge", "//q_error", "ok, nothing to see")]
    [TestCase("errors_purge", "//q_error", "started\n")]
    public void Anything_else_is_refused(string? action, string? target, string? outcome) =>
        Assert.That(AuditRegistration.IsConsoleEntry(action, target, outcome), Is.False);
}
