using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests;

/// <summary>
/// No password, bearer token, patient link, name or contact reaches a log or a trace, by any path: marker values go
/// through every patient-link route (including the ones that log a warning or refuse the request) and the staff routes
/// that take them; then every service's log (request logging on) and everything the services exported over OTLP (traces,
/// metrics) is searched.
/// The traces go to a small OTLP/HTTP receiver run by the test (protobuf carries strings as plain UTF-8, so a marker
/// would show in the raw bytes).
/// </summary>
[NonParallelizable]
public partial class PrivacyTests
{
    private RunningSystem _system = null!;
    private OtlpReceiver _otlp = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _otlp = new OtlpReceiver();
        _system = await RunningSystem.StartAsync(new Dictionary<string, string>
        {
            ["Telemetry__OtlpEndpoint"] = _otlp.Address,
            ["Telemetry__OtlpProtocol"] = "http/protobuf",

            // ASP.NET Core's request logging too ("Request starting HTTP/1.1 GET …/s/…"), which production leaves off.
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _system.DisposeAsync();
        _otlp.Dispose();
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [Test]
    public async Task No_password_token_link_name_or_contact_appears_in_any_log_or_trace()
    {
        // Staff: a password (right and wrong), a bearer token.
        var markerPassword = $"marker-password-{Guid.NewGuid():N}";
        (await _system.IntakeClient.PostAsJsonAsync("/api/users", new { userName = "marker", roles = new[] { "nurse" }, password = markerPassword })).EnsureSuccessStatusCode();
        await _system.PatientClient.PostAsJsonAsync("/api/auth/token", new { userName = "marker", password = markerPassword + "-wrong" });
        var markerBearer = await _system.TokenAsync("marker", markerPassword);

        // A patient with a name and a contact, and an invitation sent to it (delivery runs and logs).
        var markerName = $"Marker Name {Guid.NewGuid():N}";
        var markerAddress = $"marker-{Guid.NewGuid():N}@example.org";
        var enrol = await _system.IntakeClient.PostAsJsonAsync("/api/patients", new { displayName = markerName, contacts = new[] { new { channel = "email", address = markerAddress } } });
        Assert.That((int)enrol.StatusCode, Is.EqualTo(201), await enrol.Content.ReadAsStringAsync());
        var patientId = (await enrol.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var linkToken = await _system.InviteAsync(patientId, "phq9");
        var link = $"/s/{linkToken}";

        // Every patient-link route, first as a browser that blocks cookies (antiforgery refused: 400 and a warning).
        using (var noCookies = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _system.Intake.BaseAddress })
        {
            foreach (var (method, path, expected) in new[]
            {
                ("GET", link, 200), ("GET", $"{link}/q/1", 200), ("POST", $"{link}/q/1", 400), ("GET", $"{link}/check", 200),
                ("POST", $"{link}/send", 400), ("GET", $"{link}/sent", 302), ("GET", $"{link}/q/99", 302),
            })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST")
                {
                    request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["answer"] = "1" });
                }

                Assert.That((int)(await noCookies.SendAsync(request)).StatusCode, Is.EqualTo(expected), $"{method} {path.Replace(linkToken, "{token}", StringComparison.Ordinal)}");
            }
        }

        // Then as a browser: an answer saved through the form.
        using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = _system.Intake.BaseAddress })
        {
            var question = await browser.GetStringAsync(new Uri($"{link}/q/1", UriKind.Relative));
            var answered = await browser.PostAsync(new Uri($"{link}/q/1", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__csrf"] = AntiforgeryField().Match(question).Groups[1].Value, ["answer"] = "1",
            }));
            Assert.That(answered.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }

        // The link's token through the APIs: incomplete (400), as FHIR with a wrong questionnaire (422), then accepted.
        await _system.PatientClient.PostAsJsonAsync("/api/responses", new { token = linkToken, answers = new Dictionary<string, int> { ["1"] = 9 } });
        using var fhir = new StringContent(
            $"{{\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"questionnaire\":\"Questionnaire/nothing\",\"identifier\":{{\"system\":\"urn:surveys:invitation-token\",\"value\":\"{linkToken}\"}}}}",
            Encoding.UTF8, "application/fhir+json");
        Assert.That((int)(await _system.PatientClient.PostAsync(new Uri("/fhir/QuestionnaireResponse", UriKind.Relative), fhir)).StatusCode, Is.EqualTo(422));
        await _system.SubmitAsync(linkToken, Enumerable.Range(1, 9).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i == 9 ? 2 : 1));
        Assert.That((int)(await _system.PatientClient.GetAsync(new Uri($"{link}/sent", UriKind.Relative))).StatusCode, Is.EqualTo(200));
        await RunningSystem.EventuallyAsync(
            async () => (await _system.NotifierClient.GetFromJsonAsync<JsonArray>($"/api/alerts?patientId={patientId}"))!.Count, n => n > 0, TimeSpan.FromSeconds(10));

        // Staff routes that show the patient.
        await _system.IntakeClient.GetAsync(new Uri($"/api/patients/{patientId}", UriKind.Relative));
        await _system.IntakeClient.GetAsync(new Uri($"/api/patients/{patientId}/invitations", UriKind.Relative));
        using var markerClient = new HttpClient { BaseAddress = _system.Notifier.BaseAddress };
        markerClient.DefaultRequestHeaders.Authorization = new("Bearer", markerBearer);
        await markerClient.GetAsync(new Uri($"/api/patients/{patientId}/scores", UriKind.Relative));

        // The traces of the link requests were exported (their route is the template), and the refused ones were logged.
        var exported = await RunningSystem.EventuallyAsync(() => Task.FromResult(_otlp.Text()), t => t.Contains("/s/{token}/q/{number:int}", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.That(exported, Does.Contain("/s/{token}/q/{number:int}"), "traces were exported over OTLP");
        var logs = await RunningSystem.EventuallyAsync(
            () => Task.FromResult(_system.Services.SelectMany(s => s.Tail(int.MaxValue).Split('\n')).ToList()),
            lines => lines.Any(l => l.Contains("Antiforgery", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10));
        Assert.That(logs.Where(l => l.Contains("Antiforgery", StringComparison.Ordinal)), Is.Not.Empty, "the refused form was logged");
        Assert.That(logs.Where(l => l.Contains("Request starting", StringComparison.Ordinal) && l.Contains("/s/[link]/q/1", StringComparison.Ordinal)), Is.Not.Empty,
            "link requests were logged, with the link redacted");

        var markers = new[] { markerPassword, markerBearer, linkToken, markerName, markerAddress, _system.AdminPassword, _system.NursePassword }
            .Concat(_system.IssuedTokens).ToList();
        Assert.Multiple(() =>
        {
            foreach (var (marker, index) in markers.Select((m, i) => (m, i)))
            {
                Assert.That(logs.Where(l => l.Contains(marker, StringComparison.Ordinal)), Is.Empty, $"marker {index} (length {marker.Length}) appeared in a log");
                Assert.That(exported.Contains(marker, StringComparison.Ordinal), Is.False, $"marker {index} (length {marker.Length}) appeared in a trace or metric");
            }
        });
    }

    /// <summary>Accepts OTLP/HTTP exports (any signal) and keeps their raw bodies.</summary>
    private sealed class OtlpReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<byte[]> _bodies = new();

        public OtlpReceiver()
        {
            var port = ServiceProcess.FreePort();
            Address = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add($"{Address}/");
            _listener.Start();
            _ = Task.Run(ReceiveAsync);
        }

        public string Address { get; }

        /// <summary>Everything received so far, as text (strings in protobuf are plain UTF-8).</summary>
        public string Text() => string.Join('\n', _bodies.Select(b => Encoding.UTF8.GetString(b)));

        public void Dispose() => _listener.Close();

        private async Task ReceiveAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _bodies.Enqueue(body.ToArray());
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }
    }
}
