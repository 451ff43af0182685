using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Surveys.UnitTests.AlertDelivery;

/// <summary>What a receiver does with <c>X-Surveys-Signature: t=…,v1=…</c> (docs/operations.md), written apart from the sender's code.</summary>
internal static class WebhookSignature
{
    /// <summary>
    /// True when the header's v1 is the HMAC-SHA256 of <c>{t}.{idempotency key}.{delivery id}.{body}</c> with the secret
    /// and t is within <paramref name="tolerance"/> of <paramref name="now"/>.
    /// </summary>
    public static bool Verify(string secret, string? header, string? idempotencyKey, string? deliveryId, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        var parts = (header ?? string.Empty).Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !parts.TryGetValue("v1", out var v1) || idempotencyKey is null || deliveryId is null)
        {
            return false;
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false; // too old (a replay) or from a clock far off
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{idempotencyKey}.{deliveryId}.{body}"));
        byte[] given;
        try
        {
            given = Convert.FromHexString(v1);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
