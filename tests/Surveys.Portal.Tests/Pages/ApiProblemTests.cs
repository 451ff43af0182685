using System.Net;
using static Surveys.Portal.Tests.PortalFactory.StubApis;

namespace Surveys.Portal.Tests.Pages;

/// <summary>
/// When intake or the notifier refuses, fails or does not answer, the page says so in plain words (what happened, what to
/// do) and is never a 5xx or a stack trace.
/// </summary>
public class ApiProblemTests
{
    private PortalFactory _portal = null!;

    [OneTimeSetUp]
    public void Start() => _portal = (PortalFactory)new PortalFactory(apiTimeout: TimeSpan.FromSeconds(1)).WithAccount("nurse1", "nurse").WithAccount("admin", "admin").Start();

    [OneTimeTearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    public sealed record Failure(string Name, string Service, string ApiPath, Func<HttpRequestMessage, HttpResponseMessage> Answer, string User, string Page, string Title, string Detail)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Failure> Failures()
    {
        yield return new("intake fails with a 500", "intake", "/api/users", _ => Problem(HttpStatusCode.InternalServerError, "An error occurred"),
            "admin", "/staff-accounts", "The survey service could not do this", "Try again in a minute");
        yield return new("intake does not answer", "intake", "/api/users", _ => throw new HttpRequestException("Connection refused"),
            "admin", "/staff-accounts", "The survey service is not answering", "Try again in a minute");
        yield return new("intake answers with something that is not JSON", "intake", "/api/patients", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("not json") },
            "nurse1", "/patients", "The survey service is not answering", "Try again in a minute");
        yield return new("the notifier refuses the person's role", "notifier", "/api/alerts", _ => Problem(HttpStatusCode.Forbidden, "Forbidden"),
            "nurse1", "/alerts", "Not allowed for your role", "Ask an administrator");
        yield return new("the notifier is gone", "notifier", "/api/alerts", _ => throw new HttpRequestException("Connection refused"),
            "nurse1", "/alerts", "The alerts service is not answering", "the alerts service may be stopped");
    }

    [Test]
    public async Task A_service_that_does_not_answer_in_time_is_named_after_the_time_limit_not_waited_for()
    {
        // Intake takes longer than the portal's time limit (1 second here): it answers only when the portal gives up.
        _portal.Apis.OnAsync("intake", "GET", "/api/users", async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return Json(HttpStatusCode.OK, Array.Empty<object>());
        });
        using var admin = await _portal.SignedInAsync("admin");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var page = await admin.OpenAsync("/staff-accounts");

        Assert.Multiple(() =>
        {
            Assert.That((int)page.Status, Is.LessThan(500));
            Assert.That(page.TextsOf(".panel--problem h2"), Does.Contain("The survey service is not answering"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "the page gave up at its time limit");
        });
    }

    /// <summary>A page whose subject another service does not know (404): the page should say so, as a 404.</summary>
    public static IEnumerable<Failure> NotFound()
    {
        yield return new("the notifier knows no such alert", "notifier", $"/api/alerts/{Guid.Empty}", _ => Problem(HttpStatusCode.NotFound, "Not found", "No alert has this id."),
            "nurse1", $"/alerts/{Guid.Empty}", "Not found", "No alert has this id.");
        yield return new("intake holds no such account", "intake", "/api/users", _ => Json(HttpStatusCode.OK, Array.Empty<object>()),
            "admin", "/staff-accounts/nobody", "No such account", "There is no staff account with this user name.");
    }

    [TestCaseSource(nameof(Failures))]
    public async Task Is_shown_as_a_readable_page_never_a_server_error(Failure failure)
    {
        _portal.Apis.On(failure.Service, "GET", failure.ApiPath, failure.Answer);
        using var browser = await _portal.SignedInAsync(failure.User);

        var page = await browser.OpenAsync(failure.Page);

        Assert.Multiple(() =>
        {
            Assert.That((int)page.Status, Is.LessThan(500));
            Assert.That(page.TextsOf(".panel--problem h2"), Does.Contain(failure.Title), $"{(int)page.Status}: {page.Text}");
            Assert.That(page.TextsOf(".panel--problem p"), Has.Some.Contains(failure.Detail));
            Assert.That(page.Text, Does.Not.Contain("Exception").And.Not.Contain("   at "));
        });
    }

    /// <summary>
    /// Found by this test: a portal page that set 404 itself came back with an empty body (.NET 10 leaves a component's 404
    /// to status-code re-execution), which UseStatusCodePages filled with problem JSON: a nurse following a link to an alert
    /// that is gone read JSON, not the page's "Not found" panel. Pages now set their status through PageStatus.
    /// </summary>
    [TestCaseSource(nameof(NotFound))]
    public async Task A_404_from_a_service_is_shown_as_the_pages_own_not_found_panel(Failure failure) => await Is_shown_as_a_readable_page_never_a_server_error(failure);
}
