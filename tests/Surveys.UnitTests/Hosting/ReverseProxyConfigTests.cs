using System.Text.RegularExpressions;

namespace Surveys.UnitTests.Hosting;

/// <summary>Item 6 of issue 20: the cluster profile's nginx passes the client's address and scheme, and the services trust it there.</summary>
public class ReverseProxyConfigTests
{
    private static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Surveys.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Surveys.sln not found above the test's folder.");
    }

    [Test]
    public void Every_proxied_location_passes_the_clients_address_and_scheme()
    {
        var servers = Regex.Matches(File.ReadAllText(Path.Combine(Root(), "infra", "cluster", "nginx.conf")), @"server\s*\{[^\n]*proxy_pass[^\n]*");
        Assert.That(servers, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (Match server in servers)
            {
                Assert.That(server.Value, Does.Contain("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"), server.Value);
                Assert.That(server.Value, Does.Contain("proxy_set_header X-Forwarded-Proto $scheme;"), server.Value);
            }
        });
    }

    [Test]
    public void The_cluster_services_trust_the_proxys_network()
    {
        var compose = File.ReadAllText(Path.Combine(Root(), "docker-compose.yml"));
        var cluster = compose[compose.IndexOf("&cluster-environment", StringComparison.Ordinal)..];
        Assert.That(cluster[..cluster.IndexOf("volumes:", StringComparison.Ordinal)], Does.Contain("ForwardedHeaders__KnownNetworks__0:"));
    }
}
