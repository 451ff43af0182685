using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Surveys.Portal.Tests;

/// <summary>
/// A browser on the in-process portal (cookies kept, redirects not followed) that reads pages as a person does: through a
/// DOM (AngleSharp), by text and attributes, never by markup.
/// </summary>
public sealed class PortalBrowser(HttpClient http) : IDisposable
{
    private static readonly HtmlParser Parser = new();

    public HttpClient Http { get; } = http;

    /// <summary>Opens a page and returns the response and its document.</summary>
    public async Task<Page> OpenAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.RelativeOrAbsolute));
        return await Page.ReadAsync(response);
    }

    /// <summary>Opens the sign-in form and posts it, as its button does (with the form's antiforgery token).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string userName, string password, string? returnUrl = null)
    {
        var form = await OpenAsync("/signin");
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["__csrf"] = form.Antiforgery(), ["Form.UserName"] = userName, ["Form.Password"] = password,
        };
        if (returnUrl is not null)
        {
            fields["ReturnUrl"] = returnUrl;
        }

        return await Http.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    /// <summary>Posts a form of <paramref name="page"/> (by its handler name) with its antiforgery token and <paramref name="fields"/>.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, Page page, string handler, IDictionary<string, string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        var all = new Dictionary<string, string>(fields ?? new Dictionary<string, string>()) { ["_handler"] = handler, ["__csrf"] = page.Antiforgery() };
        return await Http.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(all));
    }

    /// <summary>Where a redirect goes, as a path and query on this site (fails when it is not a redirect).</summary>
    public string Where(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.That(response.Headers.Location, Is.Not.Null, $"a redirect, not {(int)response.StatusCode}");
        var location = new Uri(Http.BaseAddress!, response.Headers.Location!);
        Assert.That(location.Authority, Is.EqualTo(Http.BaseAddress!.Authority), "a redirect on this site");
        return location.PathAndQuery;
    }

    public void Dispose() => Http.Dispose();

    /// <summary>A page as it came back: its status, where it redirects, its document.</summary>
    public sealed class Page
    {
        private Page(HttpStatusCode status, Uri? location, IDocument document)
        {
            Status = status;
            Location = location;
            Document = document;
        }

        public HttpStatusCode Status { get; }

        /// <summary>Where a redirect goes (path and query, or an absolute address on another site).</summary>
        public Uri? Location { get; }

        /// <summary>The redirect's path and query on this site.</summary>
        public string Where => Location is null ? "" : Location.IsAbsoluteUri ? Location.PathAndQuery : Location.OriginalString;

        public IDocument Document { get; }

        /// <summary>What the page says, as a person reads it: its body's text with spaces collapsed.</summary>
        public string Text => Collapse(Document.Body?.TextContent ?? "");

        public string Title => Document.Title ?? "";

        /// <summary>The main heading's text.</summary>
        public string Heading => Collapse(Document.QuerySelector("h1")?.TextContent ?? "");

        /// <summary>The text of each element <paramref name="selector"/> finds.</summary>
        public IReadOnlyList<string> TextsOf(string selector) => [.. Document.QuerySelectorAll(selector).Select(e => Collapse(e.TextContent))];

        /// <summary>The links' addresses (href) in the page's main content.</summary>
        public IReadOnlyList<string> Links(string selector = "main a") => [.. Document.QuerySelectorAll(selector).Select(a => a.GetAttribute("href") ?? "")];

        /// <summary>The value of the page's (first) antiforgery field; fails when the page has none.</summary>
        public string Antiforgery()
        {
            var token = Document.QuerySelector("input[name='__csrf']")?.GetAttribute("value");
            Assert.That(token, Is.Not.Null.And.Not.Empty, "the page has a form with this site's antiforgery token");
            return token!;
        }

        public static async Task<Page> ReadAsync(HttpResponseMessage response)
        {
            ArgumentNullException.ThrowIfNull(response);
            var html = await response.Content.ReadAsStringAsync();
            return new Page(response.StatusCode, response.Headers.Location, await Parser.ParseDocumentAsync(html));
        }

        private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
