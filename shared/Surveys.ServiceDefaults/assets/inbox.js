// The inbox tells a nurse when new alerts arrive, without reloading under their hands: it asks the
// server every 15 seconds and, when something newer than the page exists, shows a notice with a link.
(function () {
  var list = document.getElementById('inbox');
  var notice = document.getElementById('new-alerts');
  if (!list || !notice || !window.fetch) { return; }
  var latest = list.getAttribute('data-latest') || '';
  function check() {
    fetch('/inbox/latest', { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.latest && body.latest > latest) {
          notice.hidden = false;
        }
      })
      .catch(function () { /* try again at the next tick */ });
  }
  setInterval(check, 15000);
})();
