// Shared helpers of the console pages: translated strings from the page's
// JSON data block, element building with text only (never HTML), and the
// JSON API with the session's CSRF token.
window.profhub = (function () {
  'use strict';
  var block = document.getElementById('console-strings');
  var T = block ? JSON.parse(block.textContent || '{}') : {};
  var ui = {
    csrf: '',
    t: function (k) { return T[k] || k; },
    el: function (tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined && text !== null) e.textContent = String(text);
      return e;
    },
    api: function (method, path, body) {
      var opts = { method: method, headers: { 'X-CSRF-Token': ui.csrf }, credentials: 'same-origin' };
      if (body instanceof FormData) opts.body = body;
      else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers['Content-Type'] = 'application/json'; }
      return fetch(path, opts).then(function (r) {
        if (r.status === 204) return null;
        return r.json().then(function (j) {
          if (!r.ok) { var e = new Error((j.error && j.error.message) || r.statusText); e.status = r.status; e.body = j; throw e; }
          return j;
        });
      });
    },
    // me loads the signed-in user and the CSRF token every change needs.
    me: function () {
      return ui.api('GET', '/api/v1/me').then(function (r) { ui.csrf = r.csrf_token; return r; });
    }
  };
  return ui;
})();
