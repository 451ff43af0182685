using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Surveys.Web.Security;

namespace Surveys.UnitTests.Security;

/// <summary>Item 7 of issue 20: intake takes a nurse's address from the notifier's signed header, and from nothing else.</summary>
public class RelayedClientAddressTests
{
    private static readonly AuthOptions Auth = new() { SigningKey = new string('k', 48) };
    private static readonly IPAddress Nurse = IPAddress.Parse("10.20.30.40");
    private static readonly IPAddress Notifier = IPAddress.Parse("10.0.0.5");

    private static async Task<IPAddress?> AddressSeenAsync(string path, string? header)
    {
        var services = new ServiceCollection().AddOptions().Configure<AuthOptions>(o => o.SigningKey = Auth.SigningKey).BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        IPAddress? seen = null;
        app.UseRelayedClientAddress();
        app.Run(context =>
        {
            seen = context.Connection.RemoteIpAddress;
            Assert.That(context.Request.Headers.ContainsKey(RelayedClientAddress.Header), Is.False, "the header goes no further");
            return Task.CompletedTask;
        });
        var context = new DefaultHttpContext { RequestServices = services };
        context.Connection.RemoteIpAddress = Notifier;
        context.Request.Method = "POST";
        context.Request.Path = path;
        if (header is not null)
        {
            context.Request.Headers[RelayedClientAddress.Header] = header;
        }

        await app.Build()(context);
        return seen;
    }

    [Test]
    public async Task The_notifiers_signed_header_gives_the_nurses_address_on_the_token_route()
    {
        Assert.That(await AddressSeenAsync("/api/auth/token", RelayedClientAddress.Create(Auth, Nurse, DateTimeOffset.UtcNow)), Is.EqualTo(Nurse));
    }

    [Test]
    public async Task A_forged_expired_or_misplaced_header_is_ignored()
    {
        var otherKey = new AuthOptions { SigningKey = new string('x', 48) };
        var staffToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = Auth.Issuer, Audience = Auth.Audience, Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["client_address"] = Nurse.ToString() },
            SigningCredentials = new(StaffAuth.SigningKey(Auth), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });

        Assert.Multiple(async () =>
        {
            Assert.That(await AddressSeenAsync("/api/auth/token", "10.20.30.40"), Is.EqualTo(Notifier), "a plain address");
            Assert.That(await AddressSeenAsync("/api/auth/token", RelayedClientAddress.Create(otherKey, Nurse, DateTimeOffset.UtcNow)), Is.EqualTo(Notifier), "another key");
            Assert.That(await AddressSeenAsync("/api/auth/token", RelayedClientAddress.Create(Auth, Nurse, DateTimeOffset.UtcNow.AddMinutes(-5))), Is.EqualTo(Notifier), "expired");
            Assert.That(await AddressSeenAsync("/api/auth/token", staffToken), Is.EqualTo(Notifier), "a staff token is not an address token");
            Assert.That(await AddressSeenAsync("/api/users", RelayedClientAddress.Create(Auth, Nurse, DateTimeOffset.UtcNow)), Is.EqualTo(Notifier), "another route");
        });
    }
}
