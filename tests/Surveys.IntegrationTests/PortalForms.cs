using System.Net;
using System.Text.RegularExpressions;

namespace Surveys.IntegrationTests;

/// <summary>The staff portal's forms as a browser sends them (the only staff sign-in page: intake and the notifier have none).</summary>
internal static partial class PortalForms
{
    /// <summary>The portal's session cookie.</summary>
    public const string Cookie = "surveys.portal";

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    // The error summary's first link: its text is the first error.
    [GeneratedRegex("class=\"error-summary\".*?href=\"#[^\"]*\">([^<]*)", RegexOptions.Singleline)]
    private static partial Regex FirstError();

    // Any markup between the words of a page.
    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Markup();

    /// <summary>A browser-like client: cookies kept, redirects not followed.</summary>
    public static HttpClient Browser(Uri portal) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = portal };

    public static string Antiforgery(string page)
    {
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        Assert.That(token, Is.Not.Empty, "the page has a form with this site's antiforgery token");
        return token;
    }

    /// <summary>What the page says, as a person reads it: markup removed, entities decoded, spaces collapsed.</summary>
    public static string Text(string page) =>
        string.Join(' ', WebUtility.HtmlDecode(Markup().Replace(page, " ")).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The first error of the page's error summary (HTML-decoded), or empty.</summary>
    public static string Error(string page) => WebUtility.HtmlDecode(FirstError().Match(page).Groups[1].Value);

    /// <summary>Opens the sign-in form and posts it, as the form's button does.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string userName, string password, string? returnUrl = null)
    {
        var form = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["__csrf"] = Antiforgery(form), ["Form.UserName"] = userName, ["Form.Password"] = password,
        };
        if (returnUrl is not null)
        {
            fields["ReturnUrl"] = returnUrl;
        }

        return await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    /// <summary>Presses the button of a form with no fields (FormName <paramref name="form"/>) on a page already shown.</summary>
    public static Task<HttpResponseMessage> PressAsync(HttpClient browser, string path, string form, string page) =>
        browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = form, ["__csrf"] = Antiforgery(page) }));

    /// <summary>Where a redirect goes, as an absolute address.</summary>
    public static Uri Location(HttpClient browser, HttpResponseMessage response)
    {
        Assert.That(response.Headers.Location, Is.Not.Null, $"a redirect, not {(int)response.StatusCode}");
        return new Uri(browser.BaseAddress!, response.Headers.Location!);
    }

    /// <summary>Whether the response removes the portal's session cookie.</summary>
    public static bool EndsSession(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
        && cookies.Any(c => c.StartsWith(Cookie + "=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
}
