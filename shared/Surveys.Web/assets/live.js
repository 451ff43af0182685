// Keeps a page's live region current without reloading under the reader's hands. The region is the element
// with data-live. With data-live-check (a URL answering { "latest": "..." }), the page asks every 15 seconds
// whether anything changed since data-latest and only then fetches itself again; without it, it refreshes
// every 15 seconds. The region is swapped unless focus is inside it, and an element named by data-live-notice
// (a role="status" message) is shown so screen readers announce the change. Without script the pages work as
// they are, with a link to refresh.
(function () {
  if (!window.fetch || !window.DOMParser) { return; }
  function region() { return document.querySelector('[data-live]'); }
  if (!region()) { return; }
  function swap() {
    return fetch(window.location.href, { credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-live]');
        var current = region();
        if (fresh && current && !current.contains(document.activeElement)) { current.replaceWith(fresh); }
      });
  }
  function tick() {
    var current = region();
    var check = current.getAttribute('data-live-check');
    if (!check) { swap().catch(function () { }); return; }
    fetch(check, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.latest && body.latest > (current.getAttribute('data-latest') || '')) {
          var notice = document.getElementById(current.getAttribute('data-live-notice') || '');
          if (notice) { notice.hidden = false; }
          return swap();
        }
      })
      .catch(function () { /* try again at the next tick */ });
  }
  setInterval(tick, 15000);
})();
