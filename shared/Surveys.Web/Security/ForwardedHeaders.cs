using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Surveys.Web.Security;

/// <summary>
/// Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (configuration section <c>ForwardedHeaders</c>,
/// e.g. <c>ForwardedHeaders__KnownProxies__0=10.0.0.5</c>, <c>ForwardedHeaders__KnownNetworks__0=10.0.0.0/8</c>). None by
/// default, loopback included: a request's address and scheme are its connection's unless it comes from one of these.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies (IPv4 or IPv6).</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks of trusted proxies, in CIDR notation (10.0.0.0/8, fd00::/8).</summary>
    public IList<string> KnownNetworks { get; } = [];
}

public static class ForwardedHeaders
{
    public static IHostApplicationBuilder AddForwardedHeaders(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new ForwardedHeadersSettings();
        builder.Configuration.GetSection(ForwardedHeadersSettings.Section).Bind(settings);
        var proxies = settings.KnownProxies.Select(value => IPAddress.TryParse(value, out var address)
            ? address
            : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies holds \"{value}\", which is not an IP address.")).ToList();
        var networks = settings.KnownNetworks.Select(value => System.Net.IPNetwork.TryParse(value, out var network)
            ? network
            : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks holds \"{value}\", which is not a network such as 10.0.0.0/8.")).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear(); // ASP.NET Core trusts loopback by default: a proxy on the same host must be named
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
            options.ForwardLimit = null; // walk back through every trusted hop, stopping at the first address not trusted
        });
        return builder;
    }

    /// <summary>
    /// Forwarded headers from the configured proxies only. With none configured there is no middleware at all: ASP.NET Core
    /// reads empty lists as "trust every sender".
    /// </summary>
    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        return options.KnownProxies.Count == 0 && options.KnownIPNetworks.Count == 0 ? app : app.UseForwardedHeaders();
    }
}
