// The bell in the page header: the count of unread notifications, kept
// live by a server-sent event stream (/api/v1/notifications/stream, which
// the browser reconnects by itself), and the list under it: opening an
// item marks it read and goes where it is acted on; "read all" clears the
// count. Other scripts (the home page) hear "profhub:notify" on document
// when the count changes.
(function () {
  'use strict';
  var root = document.getElementById('bell');
  if (!root || !window.profhub) return;
  var ui = window.profhub, el = ui.el;
  var S = JSON.parse(root.getAttribute('data-strings') || '{}');
  function t(k) { return S[k] || k; }
  var btn = root.querySelector('.bell-button'), badge = root.querySelector('.bell-count'), menu = root.querySelector('.bell-menu');
  var csrf = document.querySelector('header.top input[name=csrf_token]');
  if (csrf && !ui.csrf) ui.csrf = csrf.value;
  var count = -1;

  // setCount shows n; local: this tab changed it (a read mark), so the
  // other tabs are told.
  function setCount(n, local) {
    badge.hidden = !n;
    badge.textContent = n > 99 ? '99+' : String(n);
    root.setAttribute('data-count', String(n));
    btn.setAttribute('aria-label', t('bell.label') + (n ? ': ' + n : ''));
    if (n !== count) {
      count = n;
      document.dispatchEvent(new CustomEvent('profhub:notify', { detail: { unread: n, local: !!local } }));
    }
  }

  function render(r) {
    setCount(r.unread);
    menu.textContent = '';
    var head = el('div', 'bell-head');
    head.appendChild(el('b', '', t('bell.title')));
    var all = el('button', 'bell-read-all', t('bell.read_all'));
    all.type = 'button';
    all.disabled = !r.unread;
    all.addEventListener('click', function () {
      ui.api('POST', '/api/v1/notifications/read').then(function () { setCount(0, true); return load(); }).catch(ui.fail());
    });
    head.appendChild(all);
    menu.appendChild(head);
    if (!r.notifications.length) {
      menu.appendChild(el('p', 'bell-empty', t('bell.empty')));
      return;
    }
    var ul = el('ul', 'bell-list');
    r.notifications.forEach(function (n) {
      var li = el('li', n.read ? '' : 'unread');
      var a = el('a');
      a.href = n.link || '#';
      a.setAttribute('data-id', n.id);
      a.appendChild(el('span', 'kind', t('notify.kind.' + n.kind)));
      a.appendChild(el('span', 'text', n.text));
      var when = el('time', '', ui.recent ? ui.recent(n.at) : ui.dateTime(n.at));
      when.dateTime = n.at;
      a.appendChild(when);
      a.addEventListener('click', function (e) {
        e.preventDefault();
        var go = function () { if (n.link) { location.href = n.link; if (n.link.indexOf('#') >= 0) close(); } };
        if (n.read) { go(); return; }
        ui.api('POST', '/api/v1/notifications/' + encodeURIComponent(n.id) + '/read').then(function (x) { setCount(x.unread, true); go(); }, go);
      });
      li.appendChild(a);
      ul.appendChild(li);
    });
    menu.appendChild(ul);
  }

  function load() {
    return ui.api('GET', '/api/v1/notifications?limit=20').then(render).catch(function () {});
  }
  function open() {
    menu.hidden = false;
    btn.setAttribute('aria-expanded', 'true');
    // On a phone the list spans the screen just under the bell's row.
    menu.style.top = window.matchMedia('(max-width: 640px)').matches ? Math.round(btn.getBoundingClientRect().bottom + 6) + 'px' : '';
    load();
  }
  function close() { menu.hidden = true; btn.setAttribute('aria-expanded', 'false'); }
  btn.addEventListener('click', function () { if (menu.hidden) open(); else close(); });
  document.addEventListener('click', function (e) { if (!menu.hidden && !root.contains(e.target)) close(); });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && !menu.hidden) { close(); btn.focus(); } });

  function counted(n) {
    if (n === count) return;
    setCount(n);
    if (!menu.hidden) load();
  }
  // One stream per browser, not per tab (a browser keeps only six
  // connections to a host over HTTP/1.1): the tab holding the lock streams
  // and tells the others over a BroadcastChannel; when it closes, the next
  // tab takes over. Without these APIs every tab streams for itself.
  function stream(onCount) {
    var es = new EventSource('/api/v1/notifications/stream');
    es.addEventListener('count', function (m) {
      try { onCount(JSON.parse(m.data).unread); } catch (e) { /* a torn message: the next one counts */ }
    });
  }
  function poll() { ui.api('GET', '/api/v1/notifications?limit=1').then(function (r) { counted(r.unread); }).catch(function () {}); }
  if (window.EventSource && navigator.locks && window.BroadcastChannel) {
    var bc = new BroadcastChannel('profhub-bell');
    bc.onmessage = function (m) { if (m.data && typeof m.data.unread === 'number') counted(m.data.unread); };
    document.addEventListener('profhub:notify', function (e) { if (e.detail.local) bc.postMessage({ unread: e.detail.unread }); });
    poll();
    navigator.locks.request('profhub-bell', function () {
      return new Promise(function () { stream(function (n) { counted(n); bc.postMessage({ unread: n }); }); });
    });
  } else if (window.EventSource) {
    stream(counted);
  } else {
    poll();
    setInterval(poll, 30000);
  }
})();
