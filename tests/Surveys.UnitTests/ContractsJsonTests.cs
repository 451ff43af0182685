using System.Text.Json;
using MassTransit.Serialization;
using Surveys.Contracts;

namespace Surveys.UnitTests;

/// <summary>Messages survive the JSON MassTransit puts on the wire, field for field.</summary>
public class ContractsJsonTests
{
    private static readonly JsonSerializerOptions Wire = SystemTextJsonMessageSerializer.Options;

    private static T RoundTrip<T>(T message) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(message, Wire), Wire)!;

    [Test]
    public void SurveySubmitted_keeps_answers_including_unanswered_items_and_decimals()
    {
        var message = new SurveySubmitted(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "t1d_diary", "1.0.0",
            new Dictionary<string, decimal?> { ["1"] = 0, ["2"] = 3, ["3"] = null, ["13"] = 42.5m },
            new DateTimeOffset(2026, 11, 25, 8, 30, 0, TimeSpan.FromHours(1)));

        var copy = RoundTrip(message);

        Assert.Multiple(() =>
        {
            Assert.That(copy.SubmissionId, Is.EqualTo(message.SubmissionId));
            Assert.That(copy.InvitationId, Is.EqualTo(message.InvitationId));
            Assert.That(copy.PatientId, Is.EqualTo(message.PatientId));
            Assert.That(copy.Instrument, Is.EqualTo("t1d_diary"));
            Assert.That(copy.DefinitionVersion, Is.EqualTo("1.0.0"));
            Assert.That(copy.Answers, Is.EquivalentTo(message.Answers));
            Assert.That(copy.Answers["3"], Is.Null);
            Assert.That(copy.Answers["13"], Is.EqualTo(42.5m));
            Assert.That(copy.SubmittedAt, Is.EqualTo(message.SubmittedAt));
            Assert.That(copy.SubmittedAt.Offset, Is.EqualTo(TimeSpan.FromHours(1)));
        });
    }

    [Test]
    public void SurveyScored_keeps_score_flags_and_grades()
    {
        var message = new SurveyScored(
            Guid.NewGuid(), Guid.NewGuid(), "paid20", "1.0.0", "scored", 36.25m, "moderate", true,
            ["self_harm_risk"], new Dictionary<string, decimal> { ["phq2"] = 4 }, new Dictionary<string, decimal> { ["5"] = 3 },
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        var copy = RoundTrip(message);

        Assert.Multiple(() =>
        {
            Assert.That(copy.Total, Is.EqualTo(36.25m));
            Assert.That(copy.Band, Is.EqualTo("moderate"));
            Assert.That(copy.Prorated, Is.True);
            Assert.That(copy.Flags, Is.EqualTo(new[] { "self_harm_risk" }));
            Assert.That(copy.Subscores, Is.EquivalentTo(message.Subscores));
            Assert.That(copy.ItemGrades, Is.EquivalentTo(message.ItemGrades));
            Assert.That(copy.ScoredAt, Is.EqualTo(message.ScoredAt));
        });
    }

    [Test]
    public void SurveyScored_keeps_a_null_total_for_incomplete_forms()
    {
        var message = new SurveyScored(
            Guid.NewGuid(), Guid.NewGuid(), "phq9", "1.0.0", "incomplete", null, null, false,
            ["self_harm_risk"], new Dictionary<string, decimal>(), new Dictionary<string, decimal>(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        var copy = RoundTrip(message);

        Assert.Multiple(() =>
        {
            Assert.That(copy.Status, Is.EqualTo("incomplete"));
            Assert.That(copy.Total, Is.Null);
            Assert.That(copy.Band, Is.Null);
        });
    }

    [Test]
    public void PatientAlertRaised_round_trips_to_an_equal_record()
    {
        var message = new PatientAlertRaised(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "phq9", "1.0.0", "critical_item", "urgent", "reason", DateTimeOffset.UtcNow);

        Assert.That(RoundTrip(message), Is.EqualTo(message));
    }

    [Test]
    public void Contracts_live_in_one_namespace_and_carry_no_names_or_contacts()
    {
        var types = typeof(SurveySubmitted).Assembly.GetExportedTypes();
        var forbidden = new[] { "name", "email", "phone", "address", "token" };

        Assert.Multiple(() =>
        {
            Assert.That(types.Select(t => t.Namespace).Distinct(), Is.EqualTo(new[] { "Surveys.Contracts" }));
            foreach (var property in types.SelectMany(t => t.GetProperties()))
            {
                Assert.That(forbidden.Any(f => property.Name.Contains(f, StringComparison.OrdinalIgnoreCase)), Is.False,
                    $"{property.DeclaringType!.Name}.{property.Name} looks like personal data");
            }
        });
    }
}
