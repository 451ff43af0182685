using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests;

/// <summary>
/// Issue 20 item 6, live: the one-host nginx set-up of docs/operations.md ("Behind a reverse proxy"), taken from the
/// document itself, terminating TLS with a self-signed certificate in front of a production intake that trusts it.
/// The client, the proxy and intake use three loopback addresses (127.0.0.3 → nginx on 127.0.0.1 → intake from
/// 127.0.0.2), so the client's address can be told apart from the proxy's. Intake's patient pages face the internet; the
/// staff portal is put behind the same server block on a name of its own. Intake issues no staff cookie: staff sign in on
/// the portal, scripts with POST /api/auth/token.
/// </summary>
[NonParallelizable]
public sealed partial class ReverseProxyTests
{
    private const string Client = "127.0.0.3";
    private const string Proxy = "127.0.0.2";
    private const string StaffHost = "staff.example.org";

    private RunningSystem _system = null!;
    private string _folder = null!;
    private Process _nginx = null!;
    private X509Certificate2 _certificate = null!;
    private int _httpsPort;
    private int _httpPort;

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var nginx = Environment.GetEnvironmentVariable("SURVEYS_NGINX") ?? "/usr/sbin/nginx";
        Assert.That(File.Exists(nginx), Is.True, $"nginx is needed at {nginx} (infra/test.sh installs Debian's nginx; or set SURVEYS_NGINX)");

        _system = await RunningSystem.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production", // HSTS is sent outside Development only
            ["ForwardedHeaders__KnownProxies__0"] = Proxy,
            ["Alerting__Contacts__0__Name"] = "ward",
            ["Alerting__Contacts__0__Webhook"] = $"http://127.0.0.1:{ServiceProcess.FreePort()}/alerts",
            ["Alerting__WebhookSecret"] = "a-webhook-secret-of-some-length",
        });

        _folder = Directory.CreateTempSubdirectory("surveys-nginx-").FullName;
        _certificate = WriteSelfSignedCertificate(_folder);
        (_httpsPort, _httpPort) = (ServiceProcess.FreePort(), ServiceProcess.FreePort());
        var configuration = Path.Combine(_folder, "nginx.conf");
        var documented = DocumentedServerBlocks();
        await File.WriteAllTextAsync(configuration, NginxConfiguration(documented));

        _nginx = Process.Start(new ProcessStartInfo(nginx, ["-p", _folder, "-c", configuration])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        await RunningSystem.EventuallyAsync(
            () => Task.FromResult(_nginx.HasExited || Answers(_httpsPort)), done => done, TimeSpan.FromSeconds(30));
        Assert.That(_nginx.HasExited, Is.False, () => $"nginx stopped: {_nginx.StandardError.ReadToEnd()}");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_nginx is { HasExited: false })
        {
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }

        _nginx?.Dispose();
        _certificate?.Dispose();
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }

        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Test]
    public async Task Through_the_documented_nginx_set_up_the_patients_cookies_are_secure_and_hsts_is_sent()
    {
        // Intake's patient pages are what faces the internet: their antiforgery cookie must be Secure behind TLS.
        var token = await _system.NewInvitationAsync("phq9");
        using var client = ClientFrom(Client, new CookieContainer());

        using var question = await client.GetAsync(new Uri($"/s/{token}/q/1", UriKind.Relative));
        var antiforgery = AntiforgeryField().Match(await question.Content.ReadAsStringAsync()).Groups[1].Value;
        using var answered = await client.PostAsync(new Uri($"/s/{token}/q/1", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = antiforgery, ["answer"] = "0",
        }));
        var setCookies = question.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];

        Assert.Multiple(() =>
        {
            Assert.That(question.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(question.Headers.TryGetValues("Strict-Transport-Security", out var hsts) ? hsts.Single() : null, Does.StartWith("max-age="));
            Assert.That(setCookies.Where(c => c.StartsWith("surveys.intake.antiforgery=", StringComparison.Ordinal)).ToList(),
                Is.Not.Empty.And.All.Contains("; secure"), "the antiforgery cookie is Secure: the original scheme was https");
            Assert.That(setCookies.Where(c => c.StartsWith("surveys.intake=", StringComparison.Ordinal)), Is.Empty, "intake issues no staff cookie");
            Assert.That((int)answered.StatusCode, Is.InRange(300, 399), "the answer was taken through the proxy (the Secure cookie came back)");
            Assert.That(answered.Headers.Location?.OriginalString, Does.EndWith("/q/2"));
        });
    }

    [Test]
    public async Task Through_the_documented_nginx_set_up_a_token_sign_in_is_audited_at_the_clients_address()
    {
        using var client = ClientFrom(Client, new CookieContainer());

        using var signIn = await client.PostAsJsonAsync("/api/auth/token", new { userName = "admin", password = _system.AdminPassword });
        var trail = await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?action=sign_in&actor=admin&limit=100");
        var viaProxy = trail!.Select(e => e!.AsObject()).Where(e => (string?)e["outcome"] == "ok").Select(e => (string?)e["clientAddress"]).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK), "signed in through the proxy");
            Assert.That(signIn.Headers.TryGetValues("Strict-Transport-Security", out var hsts) ? hsts.Single() : null, Does.StartWith("max-age="));
            Assert.That(signIn.Headers.Contains("Set-Cookie") && signIn.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("surveys.intake=", StringComparison.Ordinal)), Is.False, "a token, no cookie");
            Assert.That(viaProxy, Does.Contain(Client), "the audit trail has the client's address");
            Assert.That(viaProxy, Does.Not.Contain(Proxy), "and never the proxy's");
        });
    }

    [Test]
    public async Task Through_the_proxy_sign_in_failures_lock_the_clients_address_not_the_proxys()
    {
        (await _system.IntakeClient.PostAsJsonAsync("/api/users", new { userName = "proxied", roles = new[] { "nurse" }, password = "proxied-password-123" })).EnsureSuccessStatusCode();
        using var guesser = ClientFrom("127.0.0.4", new CookieContainer());
        using var owner = ClientFrom("127.0.0.5", new CookieContainer());

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await guesser.PostAsJsonAsync("/api/auth/token", new { userName = "proxied", password = $"wrong-{attempt}-password" });
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var guesserRight = await guesser.PostAsJsonAsync("/api/auth/token", new { userName = "proxied", password = "proxied-password-123" });
        using var ownerRight = await owner.PostAsJsonAsync("/api/auth/token", new { userName = "proxied", password = "proxied-password-123" });
        var addresses = await _system.QueryAsync<string>("intake", "SELECT address FROM sign_in_failures");
        Assert.Multiple(() =>
        {
            Assert.That(guesserRight.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the guessing client is locked out");
            Assert.That(ownerRight.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another client behind the same proxy is not");
            Assert.That(addresses, Does.Contain("127.0.0.4"));
            Assert.That(addresses, Does.Not.Contain(Proxy));
        });
    }

    [Test]
    public async Task The_staff_portal_behind_the_same_proxy_sets_a_secure_cookie_and_intake_audits_the_clients_address()
    {
        // The documented server block for the portal on its own name: a staff sign-in goes browser → nginx → portal
        // → intake, and intake must still see the person's address, not the proxy's nor the portal's.
        using var client = ClientFrom("127.0.0.6", new CookieContainer(), StaffHost);

        var form = await client.GetStringAsync(new Uri("/signin", UriKind.Relative));
        using var signIn = await client.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["__csrf"] = AntiforgeryField().Match(form).Groups[1].Value,
            ["Form.UserName"] = "nurse1", ["Form.Password"] = _system.NursePassword,
        }));
        var setCookies = signIn.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        var trail = await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?action=sign_in&actor=nurse1&limit=100");
        var addresses = trail!.Select(e => e!.AsObject()).Where(e => (string?)e["outcome"] == "ok").Select(e => (string?)e["clientAddress"]).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in to the portal through the proxy");
            Assert.That(setCookies.Where(c => c.StartsWith("surveys.portal=", StringComparison.Ordinal)).ToList(),
                Has.Count.EqualTo(1).And.All.Contains("; secure"), "the staff cookie is Secure: the original scheme was https");
            Assert.That(addresses, Does.Contain("127.0.0.6"), "intake audits the person's address");
            Assert.That(addresses, Does.Not.Contain(Proxy));
        });
    }

    [Test]
    public async Task The_documented_set_up_redirects_plain_http_to_https_and_hides_metrics()
    {
        using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}") };
        using var redirect = await plain.GetAsync(new Uri("/s/some-link", UriKind.Relative));
        using var client = ClientFrom(Client, new CookieContainer());
        using var metrics = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(redirect.StatusCode, Is.EqualTo(HttpStatusCode.MovedPermanently));
            Assert.That(redirect.Headers.Location?.Scheme, Is.EqualTo("https"));
            Assert.That(metrics.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the proxy never routes /metrics");
        });
    }

    [Test]
    public async Task Forwarded_headers_from_an_address_that_is_not_a_known_proxy_are_ignored()
    {
        // Straight to intake from loopback, which is not trusted here: the claimed address and scheme are not believed.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token")
        {
            Content = JsonContent.Create(new { userName = "admin", password = _system.AdminPassword }),
        };
        request.Headers.Add("X-Forwarded-For", "198.51.100.9");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await _system.PatientClient.SendAsync(request);
        var trail = await _system.IntakeClient.GetFromJsonAsync<JsonArray>("/api/audit?action=sign_in&actor=admin&limit=100");
        var addresses = trail!.Select(e => (string?)e!["clientAddress"]).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.Contains("Strict-Transport-Security"), Is.False, "plain http is not taken for https");
            Assert.That(addresses, Does.Not.Contain("198.51.100.9"));
        });
    }

    /// <summary>The nginx example of docs/operations.md, with this test's ports, certificate and loopback addresses.</summary>
    private string DocumentedServerBlocks()
    {
        var document = File.ReadAllText(Path.Combine(ServiceProcess.RepositoryRoot(), "docs", "operations.md"));
        var section = document[document.IndexOf("Or with nginx", StringComparison.Ordinal)..];
        var block = Regex.Match(section, "```\\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        Assert.That(block, Does.Contain("listen 443 ssl;").And.Contain("proxy_pass http://127.0.0.1:5101;").And.Contain("proxy_pass http://127.0.0.1:5104;")
            .And.Contain($"server_name {StaffHost};").And.Contain("listen 80;"), "the documented nginx example has the shape this test adapts");
        return block
            .Replace("listen 443 ssl;", $"listen 127.0.0.1:{_httpsPort} ssl;", StringComparison.Ordinal)
            .Replace("listen 80;", $"listen 127.0.0.1:{_httpPort};", StringComparison.Ordinal)
            .Replace("return 301 https://$host$request_uri;", $"return 301 https://$host:{_httpsPort}$request_uri;", StringComparison.Ordinal)
            .Replace("/etc/ssl/surveys/fullchain.pem", Path.Combine(_folder, "fullchain.pem"), StringComparison.Ordinal)
            .Replace("/etc/ssl/surveys/privkey.pem", Path.Combine(_folder, "privkey.pem"), StringComparison.Ordinal)
            .Replace("proxy_pass http://127.0.0.1:5101;", $"proxy_pass http://127.0.0.1:{_system.Intake.BaseAddress.Port}; proxy_bind {Proxy};", StringComparison.Ordinal)
            .Replace("proxy_pass http://127.0.0.1:5104;", $"proxy_pass http://127.0.0.1:{_system.Portal.BaseAddress.Port}; proxy_bind {Proxy};", StringComparison.Ordinal);
    }

    /// <summary>A whole nginx configuration of its own: runs in the foreground as this user, files in the test's folder.</summary>
    private string NginxConfiguration(string servers) => $$"""
        daemon off;
        master_process off;
        pid {{_folder}}/nginx.pid;
        error_log {{_folder}}/error.log warn;
        events {}
        http {
            access_log off;
            client_body_temp_path {{_folder}}/body;
            proxy_temp_path {{_folder}}/proxy;
            fastcgi_temp_path {{_folder}}/fastcgi;
            uwsgi_temp_path {{_folder}}/uwsgi;
            scgi_temp_path {{_folder}}/scgi;
        {{servers}}
        }
        """;

    private static X509Certificate2 WriteSelfSignedCertificate(string folder)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=surveys.example.org", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("surveys.example.org");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(folder, "fullchain.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "privkey.pem"), key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }

    /// <summary>An https client that connects from the given loopback address and trusts only this test's certificate.</summary>
    private HttpClient ClientFrom(string address, CookieContainer cookies, string host = "surveys.example.org")
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = cookies,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString(),
            },
            ConnectCallback = async (context, cancellation) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{host}:{_httpsPort}") };
    }

    private static bool Answers(int port)
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
