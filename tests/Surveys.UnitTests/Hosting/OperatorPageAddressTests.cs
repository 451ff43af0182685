using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Surveys.Intake.Operations;

namespace Surveys.UnitTests.Hosting;

/// <summary>Where the operator page reads intake's own readiness: configuration or the listening address, never a request's Host (issue 20, item 4).</summary>
public class OperatorPageAddressTests
{
    [TestCase(new[] { "http://127.0.0.1:5101" }, "http://127.0.0.1:5101/")]
    [TestCase(new[] { "http://0.0.0.0:8080" }, "http://127.0.0.1:8080/")]
    [TestCase(new[] { "http://[::]:8080" }, "http://[::1]:8080/")]
    [TestCase(new[] { "http://+:8080" }, "http://127.0.0.1:8080/")]
    [TestCase(new[] { "https://127.0.0.1:5443", "http://127.0.0.1:5101" }, "http://127.0.0.1:5101/")]
    public void Without_configuration_it_is_the_address_intake_listens_on(string[] addresses, string expected) =>
        Assert.That(OperatorPage.Self(new OperationsOptions(), new ListeningOn(addresses)).ToString(), Is.EqualTo(expected));

    [Test]
    public void A_configured_address_wins() =>
        Assert.That(OperatorPage.Self(new OperationsOptions { IntakeUrl = new Uri("http://intake.internal:8080") }, new ListeningOn("http://0.0.0.0:8080")),
            Is.EqualTo(new Uri("http://intake.internal:8080")));

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
