using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Surveys.UnitTests.AlertDelivery;

/// <summary>A real HTTP endpoint (HttpListener on 127.0.0.1) that records each request and answers with <see cref="Status"/>.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Request> _requests = [];

    public WebhookReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/hooks/alerts/");
        }

        _listener.Prefixes.Add(Url.AbsoluteUri);
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public sealed record Request(string Body, string? Signature, string? IdempotencyKey, string? Delivery, string? ContentType);

    public Uri Url { get; }

    /// <summary>What the endpoint answers from now on.</summary>
    public int Status { get; set; } = 200;

    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public async Task<IReadOnlyList<Request>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (Requests.Count < count && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }

        return Requests;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                var body = await reader.ReadToEndAsync();
                lock (_requests)
                {
                    _requests.Add(new Request(body, context.Request.Headers["X-Surveys-Signature"], context.Request.Headers["Idempotency-Key"], context.Request.Headers["X-Surveys-Delivery"], context.Request.ContentType));
                }
            }

            context.Response.StatusCode = Status;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
