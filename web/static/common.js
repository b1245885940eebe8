// Shared helpers of every staff page, loaded by layout.html before the
// page's own scripts, so no page keeps its own copy:
//   - translated strings from the page's JSON block (#console-strings);
//   - element building with text only (never HTML);
//   - dates and durations in the user's language and time zone, both sent
//     by the server on <html lang="…" data-tz="…">;
//   - the JSON API and raw uploads with the session's CSRF token, and the
//     display of the server's error messages as sent (they are translated
//     on the server);
//   - the live socket that resumes from the last event it saw.
// Every page still works for reading without it; forms post normally.
window.profhub = (function () {
  'use strict';
  var root = document.documentElement;
  var block = document.getElementById('console-strings');
  var T = block ? JSON.parse(block.textContent || '{}') : {};
  var lang = root.lang || 'ru';
  var tz = zone(root.getAttribute('data-tz'));

  // zone keeps a time zone the browser knows, else the browser's own.
  function zone(name) {
    if (!name) return undefined;
    try { new Intl.DateTimeFormat(lang, { timeZone: name }); return name; } catch (e) { return undefined; }
  }
  var dayFmt = new Intl.DateTimeFormat(lang, { timeZone: tz, day: '2-digit', month: '2-digit', year: 'numeric' });
  var hmFmt = new Intl.DateTimeFormat(lang, { timeZone: tz, hour: '2-digit', minute: '2-digit' });
  var hmsFmt = new Intl.DateTimeFormat(lang, { timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit' });
  // Calendar days (YYYY-MM-DD) are not instants: format them in UTC so
  // no time zone moves them to the day before.
  var calFmt = new Intl.DateTimeFormat(lang, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' });
  // The calendar day of an instant in the user's zone, as YYYY-MM-DD
  // (en-CA writes that form), for date fields the server reads in it.
  var isoDayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });

  // instant turns an ISO string, milliseconds or a Date into a Date, or
  // null when there is nothing valid to show.
  function instant(v) {
    if (v === undefined || v === null || v === '' || v === 0) return null;
    var d = v instanceof Date ? v : new Date(v);
    return isNaN(d) ? null : d;
  }

  var ui = {
    csrf: '',
    lang: lang,
    timeZone: tz,
    t: function (k) { return T[k] || k; },
    el: function (tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined && text !== null) e.textContent = String(text);
      return e;
    },

    // asset is the versioned address of a static file the page names in a
    // <link> (layout.html names each by its content's hash), for documents
    // the page builds itself such as a letter's frame.
    asset: function (name) {
      var l = document.querySelector('link[href^="/static/' + name + '?"]');
      return l ? l.getAttribute('href') : '/static/' + name;
    },

    // --- dates and durations ------------------------------------------------
    // isoDay: the day of an instant in the user's zone as YYYY-MM-DD, for
    // a date field's value (toISOString's day is UTC's: in Orenburg it is
    // yesterday's until 05:00).
    isoDay: function (v) { var d = instant(v); return d ? isoDayFmt.format(d) : ''; },
    // date: the day of an instant ("04.12.2026"), '' when there is none.
    date: function (v) { var d = instant(v); return d ? dayFmt.format(d) : ''; },
    // time: the clock time of an instant ("14:05", with seconds if asked).
    time: function (v, seconds) { var d = instant(v); return d ? (seconds ? hmsFmt : hmFmt).format(d) : ''; },
    // dateTime: "04.12.2026 14:05"; empty gives '' (or the given filler).
    dateTime: function (v, empty) {
      var d = instant(v);
      if (!d) return empty === undefined ? '' : empty;
      return dayFmt.format(d) + ' ' + hmFmt.format(d);
    },
    // recent: the time alone for today's instants, else date and time.
    recent: function (v) {
      var d = instant(v);
      if (!d) return '';
      return dayFmt.format(d) === dayFmt.format(new Date()) ? hmFmt.format(d) : ui.dateTime(d);
    },
    // day formats a calendar day YYYY-MM-DD; '' (or the given filler)
    // when there is none, and anything else is shown as it came.
    day: function (s, empty) {
      if (!s) return empty === undefined ? '' : empty;
      var p = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
      return p ? calFmt.format(new Date(Date.UTC(+p[1], +p[2] - 1, +p[3]))) : s;
    },
    // duration: seconds as "45 с" or "3 мин" ('—' for none); exact keeps
    // the seconds of longer spans ("3 мин 5 с").
    duration: function (s, exact) {
      s = Math.round(s || 0);
      if (!s) return '—';
      if (s < 90) return s + ' ' + ui.t('sec');
      if (exact) return Math.floor(s / 60) + ' ' + ui.t('min') + ' ' + (s % 60) + ' ' + ui.t('sec');
      return Math.round(s / 60) + ' ' + ui.t('min');
    },
    // since: how long ago an instant was, in seconds, minutes or hours.
    since: function (v) {
      var d = instant(v);
      if (!d) return '';
      var s = Math.max(0, Math.round((Date.now() - d) / 1000));
      if (s < 60) return s + ' ' + ui.t('sec');
      if (s < 3600) return Math.round(s / 60) + ' ' + ui.t('min');
      return Math.round(s / 3600) + ' ' + ui.t('hours');
    },
    // number: a number in the user's language, with exactly `digits`
    // fraction digits when given.
    number: function (v, digits) {
      var o = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
      return Number(v).toLocaleString(lang, o);
    },

    // --- the API --------------------------------------------------------------
    api: function (method, path, body) {
      var opts = { method: method, headers: { 'X-CSRF-Token': ui.csrf }, credentials: 'same-origin' };
      if (body instanceof FormData) opts.body = body;
      else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers['Content-Type'] = 'application/json'; }
      return fetch(path, opts).then(answer);
    },
    // upload posts a file as the raw body (the upload endpoints take the
    // name in the query) and answers like api.
    upload: function (path, file, type) {
      return fetch(path, { method: 'POST', body: file, credentials: 'same-origin',
        headers: { 'X-CSRF-Token': ui.csrf, 'Content-Type': type || file.type || 'application/octet-stream' } }).then(answer);
    },
    // me loads the signed-in user and the CSRF token every change needs.
    me: function () {
      return ui.api('GET', '/api/v1/me').then(function (r) { ui.csrf = r.csrf_token; return r; });
    },
    // ready resolves once the CSRF token is known, asking only once.
    ready: function () { return ui.csrf ? Promise.resolve() : ui.me(); },

    // --- error display ----------------------------------------------------
    // showError puts the error's message (the server's, as it sent it) in
    // target and marks it as an alert.
    showError: function (target, err) {
      target.textContent = (err && err.message) || String(err);
      target.hidden = false;
      target.setAttribute('role', 'alert');
    },
    // fail gives a .catch handler that shows the error in target, or in a
    // toast when there is no target.
    fail: function (target) {
      return function (err) {
        if (target) ui.showError(target, err);
        else ui.toast((err && err.message) || String(err));
      };
    },
    // toast shows a message for five seconds at the bottom of the page.
    toast: function (text) {
      var d = ui.el('div', 'toast', text);
      d.setAttribute('role', 'status');
      document.body.appendChild(d);
      setTimeout(function () { d.remove(); }, 5000);
    },

    // --- live socket --------------------------------------------------------
    // live keeps a WebSocket to path open. It asks for the events after the
    // last sequence number it saw (?since=), so a reconnect resumes where
    // the connection dropped; the server answers "resync" when it cannot,
    // and the page then reloads what it shows. h may have onOpen(),
    // onEvent(ev), onResync(), onDown(). It returns {send, open()}.
    live: function (path, h) {
      var conn = { seq: 0, ws: null, retry: 0 };
      conn.open = function () { return !!conn.ws && conn.ws.readyState === 1; };
      conn.send = function (v) { if (conn.open()) conn.ws.send(JSON.stringify(v)); };
      function event(ev) {
        if (ev.seq && ev.seq > conn.seq) conn.seq = ev.seq;
        if (h.onEvent) h.onEvent(ev);
      }
      function connect() {
        var proto = location.protocol === 'https:' ? 'wss://' : 'ws://';
        var ws = conn.ws = new WebSocket(proto + location.host + path + (path.indexOf('?') < 0 ? '?' : '&') + 'since=' + conn.seq);
        var ping;
        ws.onopen = function () {
          conn.retry = 0;
          ping = setInterval(function () { if (ws.readyState === 1) ws.send('{"type":"ping"}'); }, 10000);
          if (h.onOpen) h.onOpen();
        };
        ws.onmessage = function (m) {
          var f = JSON.parse(m.data);
          if (f.type === 'hello') { if (!conn.seq) conn.seq = f.seq; }
          else if (f.type === 'event') event(f.event);
          else if (f.type === 'events') f.events.forEach(event);
          else if (f.type === 'resync') { conn.seq = f.seq; if (h.onResync) h.onResync(); }
          else if (h.onFrame) h.onFrame(f); // other frames (the chat's calls) to the page
        };
        ws.onclose = function () {
          clearInterval(ping);
          if (h.onDown) h.onDown();
          conn.retry = Math.min(conn.retry + 1, 6);
          setTimeout(connect, 500 * Math.pow(2, conn.retry - 1));
        };
      }
      connect();
      return conn;
    }
  };

  function answer(r) {
    if (r.status === 204) return null;
    return r.json().then(function (j) {
      if (!r.ok) { var e = new Error((j.error && j.error.message) || r.statusText); e.status = r.status; e.body = j; throw e; }
      return j;
    }, function () {
      // Not JSON (a proxy's error page): the status line is all there is.
      var e = new Error(r.status + ' ' + r.statusText); e.status = r.status; throw e;
    });
  }

  // A button marked "danger" asks before its form is sent.
  document.addEventListener('submit', function (e) {
    var b = e.submitter;
    if (b && b.classList.contains('danger') && !window.confirm(lang === 'en' ? 'Are you sure?' : 'Вы уверены?')) {
      e.preventDefault();
    }
  });
  return ui;
})();
