using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Surveys.Hosting;

/// <summary>
/// Where a service reaches itself (for reading its own readiness on an operator page): the first address the server
/// listens on, http first, a wildcard such as 0.0.0.0 read as loopback. Never the request's Host header: that is the
/// client's to choose, so reading it would let a client make the service fetch any address.
/// </summary>
public static class ListeningAddress
{
    /// <summary>The address, or null when the server reports none.</summary>
    public static Uri? Of(IServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var listening = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(a => new UriBuilder(a.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal)))
            .OrderBy(a => a.Scheme == Uri.UriSchemeHttp ? 0 : 1)
            .FirstOrDefault();
        if (listening is null)
        {
            return null;
        }

        listening.Host = listening.Host switch
        {
            "0.0.0.0" => "127.0.0.1",
            "[::]" or "::" => "[::1]",
            var host => host,
        };
        return listening.Uri;
    }
}
