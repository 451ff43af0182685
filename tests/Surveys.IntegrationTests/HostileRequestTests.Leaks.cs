using System.Net;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests;

/// <summary>Issue 20, items 1, 2 and 15: tokens in logs, 5xx answers, health methods.</summary>
public partial class HostileRequestTests
{
    private const string Form = "application/x-www-form-urlencoded";

    private static IEnumerable<Attack> LeakAndServerErrorAttacks()
    {
        // Item 1: a browser that blocks cookies has no antiforgery cookie; the readable 400 page logs a warning, which must
        // not carry the link (PrivacyTests greps every log and the traces for it).
        yield return new("survey answer without the antiforgery cookie", "intake", "POST", "/s/{fresh}/q/1", "none", "answer=1", 400, Form);
        yield return new("send the survey without the antiforgery cookie", "intake", "POST", "/s/{fresh}/send", "none", "", 400, Form);

        // Item 2: a token that cannot go into a Location header gets the readable "not recognised" page, not a 500.
        yield return new("CR/LF in a token on the confirmation page", "intake", "GET", "/s/abc%0d%0aSet-Cookie:%20x=1/sent", "none", null, 404);
        yield return new("non-ASCII token on the confirmation page", "intake", "GET", "/s/%C3%A9/sent", "none", null, 404);
        yield return new("CR/LF in a token on the survey page", "intake", "GET", "/s/abc%0d%0a/q/1", "none", null, 404);
        yield return new("FHIR response over 64 KB", "intake", "POST", "/fhir/QuestionnaireResponse", "none",
            "{\"resourceType\":\"QuestionnaireResponse\",\"text\":{\"status\":\"generated\",\"div\":\"" + new string('x', 100_000) + "\"}}", 413, "application/fhir+json");

        // Item 2: an answer is accepted only when it is exactly one of the item's values; these read as 0 before.
        yield return new("answer written as 1e-400", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":1e-400," + Calm[(Calm.IndexOf(',', StringComparison.Ordinal) + 1)..] + "}}", 400);
        yield return new("answer smaller than a decimal holds", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":0.00000000000000000000000000001," + Calm[(Calm.IndexOf(',', StringComparison.Ordinal) + 1)..] + "}}", 400);
        yield return new("answer as a string holding 1e-400", "intake", "POST", "/api/responses", "none", "{\"token\":\"{fresh}\",\"answers\":{\"1\":\"1e-400\"," + Calm[(Calm.IndexOf(',', StringComparison.Ordinal) + 1)..] + "}}", 400);

        // Item 15: health answers GET and HEAD only.
        yield return new("TRACE on intake's liveness", "intake", "TRACE", "/health/live", "none", null, 405);
        yield return new("POST on the notifier's readiness", "notifier", "POST", "/health/ready", "none", "{}", 405);
        yield return new("DELETE on the scoring worker's liveness", "scoring", "DELETE", "/health/live", "none", null, 405);
        yield return new("HEAD on readiness", "intake", "HEAD", "/health/ready", "none", null, 200);
    }

    /// <summary>Item 2 on the survey page (a form with its antiforgery token, so not an <see cref="Attack"/>): 29 decimal places read as 0 before.</summary>
    [Test]
    public async Task A_survey_page_answer_a_decimal_cannot_hold_exactly_is_refused()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = _system.Intake.BaseAddress };
        var question = await browser.GetStringAsync(new Uri($"/s/{_freshToken}/q/1", UriKind.Relative));
        var antiforgery = Regex.Match(question, "name=\"__csrf\" value=\"([^\"]+)\"").Groups[1].Value;
        var answered = await browser.PostAsync(new Uri($"/s/{_freshToken}/q/1", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = antiforgery, ["answer"] = "0.00000000000000000000000000001",
        }));
        Assert.That(answered.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "refused with the question shown again");
        Assert.That(await answered.Content.ReadAsStringAsync(), Does.Contain("error-message"));
    }
}
