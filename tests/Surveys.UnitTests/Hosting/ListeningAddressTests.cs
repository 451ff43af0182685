using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Surveys.Hosting;

namespace Surveys.UnitTests.Hosting;

/// <summary>
/// Where the portal's pipeline page reads its own readiness: the address it listens on, never a request's Host header,
/// which is the client's to choose (issue 20, item 4).
/// </summary>
public class ListeningAddressTests
{
    [TestCase(new[] { "http://127.0.0.1:5101" }, "http://127.0.0.1:5101/")]
    [TestCase(new[] { "http://0.0.0.0:8080" }, "http://127.0.0.1:8080/")]
    [TestCase(new[] { "http://[::]:8080" }, "http://[::1]:8080/")]
    [TestCase(new[] { "http://+:8080" }, "http://127.0.0.1:8080/")]
    [TestCase(new[] { "https://127.0.0.1:5443", "http://127.0.0.1:5101" }, "http://127.0.0.1:5101/")]
    public void It_is_the_first_plain_http_address_the_server_listens_on_made_reachable(string[] addresses, string expected) =>
        Assert.That(ListeningAddress.Of(new ListeningOn(addresses))?.ToString(), Is.EqualTo(expected));

    [Test]
    public void A_server_that_listens_nowhere_yet_has_none() =>
        Assert.That(ListeningAddress.Of(new ListeningOn()), Is.Null);

    private sealed class ListeningOn : IServer
    {
        public ListeningOn(params string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }

            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
