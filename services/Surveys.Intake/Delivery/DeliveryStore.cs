using Dapper;
using Surveys.Data;
using Surveys.Delivery;

namespace Surveys.Intake.Delivery;

/// <summary>
/// A message the sender loop has claimed: where it goes, the protected token it links to (an open questionnaire of its
/// visit, null when none is open any more) and how many of the visit's questionnaires are open.
/// </summary>
public sealed record ClaimedDelivery(ClaimedMessage Message, string? Address, string? ProtectedToken, string Language, int OpenCount);

/// <summary>What intake's messages need beyond the shared queue (<see cref="Deliveries"/>): the patient's address and language, and the visit's open links.</summary>
public sealed class DeliveryStore(Db db)
{
#pragma warning disable CA1812 // Dapper instantiates the row classes
    private sealed class PatientRow
    {
        public string? Address { get; set; }
        public string Language { get; set; } = "en";
    }
#pragma warning restore CA1812

    /// <summary>
    /// Takes the message for this sender for a few minutes (another instance then leaves it alone) and reads what
    /// it needs; null when someone else holds it or it is done.
    /// </summary>
    public async Task<ClaimedDelivery?> ClaimAsync(Guid id, DateTimeOffset now, CancellationToken ct)
    {
        return await db.WriteAsync(async (connection, transaction) =>
        {
            if (await Deliveries.TryClaimAsync(connection, transaction, id, now) is not { } message)
            {
                return null;
            }

            // The address is read now: a contact changed or removed since the message was queued is seen.
            var patient = await connection.QuerySingleAsync<PatientRow>(
                """
                SELECT c.address AS Address, p.language AS Language
                FROM invitations i
                JOIN patients p ON p.id = i.patient_id
                LEFT JOIN patient_contacts c ON c.patient_id = i.patient_id AND c.channel = @Channel
                WHERE i.id = @About
                """,
                new { message.Channel, message.About },
                transaction);

            // The visit's questionnaires still open (same patient and due time; an unscheduled invitation is a visit of
            // its own): the message's own first, then the others in the order they were issued (protocol order).
            var open = (await connection.QueryAsync<string>(
                $"""
                SELECT o.protected_token
                FROM invitations i
                JOIN invitations o ON o.patient_id = i.patient_id AND (o.id = i.id OR o.due_at = i.due_at)
                WHERE i.id = @About AND o.protected_token IS NOT NULL AND o.used_at IS NULL AND o.expired_at IS NULL AND o.superseded_at IS NULL
                      AND o.expires_at > @now
                ORDER BY CASE WHEN o.id = i.id THEN 0 ELSE 1 END, o.created_at, o.{db.InsertionOrder}
                """,
                new { message.About, now },
                transaction)).AsList();
            return new ClaimedDelivery(message, patient.Address, open.FirstOrDefault(), patient.Language, open.Count);
        }, ct);
    }
}
