// The inbox shows new alerts as they arrive: every 15 seconds it asks the server whether anything changed
// and, if so, fetches the list again and swaps it in (unless the nurse is typing in the filters), and says so
// in a status message that screen readers announce. Without script the page still works: "Refresh the list".
(function () {
  var notice = document.getElementById('new-alerts');
  if (!document.getElementById('inbox') || !notice || !window.fetch || !window.DOMParser) { return; }
  function latest() { return document.getElementById('inbox').getAttribute('data-latest') || ''; }
  function refresh() {
    return fetch(window.location.href, { credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('inbox');
        var current = document.getElementById('inbox');
        if (fresh && current && !current.contains(document.activeElement)) {
          current.replaceWith(fresh);
        }
      });
  }
  function check() {
    fetch('/inbox/latest', { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.latest && body.latest > latest()) {
          notice.hidden = false;
          return refresh();
        }
      })
      .catch(function () { /* try again at the next tick */ });
  }
  setInterval(check, 15000);
})();
