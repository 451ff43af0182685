using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Surveys.Portal.Tests;

/// <summary>
/// The staff portal in-process (its own Program, in Development). It keeps no data: it calls intake's and the notifier's
/// JSON APIs over HttpClient. Here every HttpClient the portal makes goes to one stub handler (<see cref="Apis"/>) instead
/// of the network, and the portal is told that intake is <c>http://intake.stub</c>, the notifier
/// <c>http://notifier.stub</c> and the scoring worker <c>http://scoring.stub</c>, so the stub knows which service is asked.
/// The stub holds staff accounts (answering intake's <c>POST /api/auth/token</c> and <c>POST /api/auth/session</c>) and
/// whatever answers a test gives it for other routes.
/// </summary>
public sealed class PortalFactory : ServiceFactory<Program>
{
    public static readonly Uri IntakeUrl = new("http://intake.stub/");
    public static readonly Uri NotifierUrl = new("http://notifier.stub/");
    public static readonly Uri ScoringUrl = new("http://scoring.stub/");

    /// <param name="apiTimeout">How long a page waits for a service (Portal:ApiTimeout); 5 seconds unless told.</param>
    public PortalFactory(TimeSpan? apiTimeout = null)
        : base(settings: new Dictionary<string, string?>
        {
            ["Portal:IntakeUrl"] = IntakeUrl.ToString(),
            ["Portal:NotifierUrl"] = NotifierUrl.ToString(),
            ["Portal:ScoringUrl"] = ScoringUrl.ToString(),
            ["Portal:ApiTimeout"] = (apiTimeout ?? TimeSpan.FromSeconds(5)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        })
    {
        Apis = new StubApis(this);
        WithServices(services => services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(() => Apis)));
    }

    /// <summary>The other services, as the portal sees them.</summary>
    public StubApis Apis { get; }

    /// <summary>Adds an account the stub intake signs in (its password is the user name followed by "-password").</summary>
    public PortalFactory WithAccount(string userName, params string[] roles)
    {
        Apis.Accounts[userName] = roles;
        return this;
    }

    public static string PasswordOf(string userName) => $"{userName}-password";

    /// <summary>A browser: cookies kept, redirects not followed, asking for HTML.</summary>
    public PortalBrowser Browser()
    {
        var http = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", HostileRequests.Html); // what a browser's address bar asks for
        return new PortalBrowser(http);
    }

    /// <summary>A browser signed in as <paramref name="userName"/> (an account added with <see cref="WithAccount"/>).</summary>
    public async Task<PortalBrowser> SignedInAsync(string userName)
    {
        var browser = Browser();
        using var response = await browser.SignInAsync(userName, PasswordOf(userName));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"{userName} signs in");
        return browser;
    }

    /// <summary>
    /// Intake, the notifier and the scoring worker as the portal calls them. Routes a test sets (<see cref="On"/>) answer
    /// first; then intake's sign-in and session check from <see cref="Accounts"/>; anything else is a 404 problem. Every call
    /// is recorded (<see cref="Calls"/>).
    /// </summary>
    public sealed class StubApis(PortalFactory factory) : HttpMessageHandler
    {
        private readonly ConcurrentDictionary<string, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _routes = new();

        /// <summary>Accounts intake would sign in, with their roles.</summary>
        public ConcurrentDictionary<string, string[]> Accounts { get; } = new();

        /// <summary>When set, intake answers every sign-in with 429 (its rate limit).</summary>
        public bool SignInThrottled { get; set; }

        /// <summary>Every call the portal made: service, method, path and query, and whether it carried a bearer token.</summary>
        public ConcurrentQueue<ApiCall> Calls { get; } = new();

        /// <summary>Answers <paramref name="method"/> <paramref name="path"/> (no query) on <paramref name="service"/> (intake, notifier, scoring).</summary>
        public void On(string service, string method, string path, Func<HttpRequestMessage, HttpResponseMessage> answer) =>
            _routes[$"{service} {method} {path}"] = (request, _) => Task.FromResult(answer(request));

        /// <summary>Answers a route asynchronously (a service that takes its time: it sees the portal's cancellation).</summary>
        public void OnAsync(string service, string method, string path, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) =>
            _routes[$"{service} {method} {path}"] = answer;

        /// <summary>Answers with <paramref name="value"/> as JSON (200).</summary>
        public void OnJson(string service, string method, string path, object value) =>
            On(service, method, path, _ => Json(HttpStatusCode.OK, value));

        public static HttpResponseMessage Json(HttpStatusCode status, object value) =>
            new(status) { Content = JsonContent.Create(value, options: JsonSerializerOptions.Web) };

        /// <summary>RFC 7807 problem details, as the services answer a refusal or a failure.</summary>
        public static HttpResponseMessage Problem(HttpStatusCode status, string title, string? detail = null)
        {
            var response = Json(status, new { type = "about:blank", title, status = (int)status, detail });
            response.Content.Headers.ContentType = new("application/problem+json");
            return response;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var service = uri.Host switch
            {
                "intake.stub" => "intake",
                "notifier.stub" => "notifier",
                "scoring.stub" => "scoring",
                _ => uri.Host,
            };
            Calls.Enqueue(new ApiCall(service, request.Method.Method, uri.PathAndQuery, request.Headers.Authorization?.Scheme == "Bearer"));
            if (_routes.TryGetValue($"{service} {request.Method.Method} {uri.AbsolutePath}", out var answer))
            {
                return answer(request, cancellationToken);
            }

            return service switch
            {
                "intake" when request.Method == HttpMethod.Post && uri.AbsolutePath == "/api/auth/token" => SignInAsync(request, cancellationToken),
                "intake" when request.Method == HttpMethod.Post && uri.AbsolutePath == "/api/auth/session" => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)),
                _ => Task.FromResult(Problem(HttpStatusCode.NotFound, "Not found", $"The stub has no answer for {request.Method} {uri.AbsolutePath} on {service}.")),
            };
        }

        private async Task<HttpResponseMessage> SignInAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (SignInThrottled)
            {
                return Problem(HttpStatusCode.TooManyRequests, "Too many sign-ins");
            }

            var body = (await request.Content!.ReadFromJsonAsync<JsonObject>(ct))!;
            var userName = (string?)body["userName"];
            if (userName is null || !Accounts.TryGetValue(userName, out var roles) || (string?)body["password"] != PasswordOf(userName))
            {
                return Problem(HttpStatusCode.Unauthorized, "Sign-in failed");
            }

            return Json(HttpStatusCode.OK, new { userName, roles, accessToken = factory.MintToken(userName, roles) });
        }
    }

    public sealed record ApiCall(string Service, string Method, string PathAndQuery, bool WithBearer);
}
