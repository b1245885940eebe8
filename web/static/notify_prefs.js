// The notification preferences on the profile page: for each kind the
// person's role receives, where it reaches them. The bell and e-mail are
// delivered now, and Telegram to a linked account (notify_telegram.js);
// push is kept as chosen for when it is.
(function () {
  'use strict';
  var root = document.getElementById('notify-prefs');
  if (!root || !window.profhub) return;
  var ui = window.profhub, el = ui.el;
  var S = JSON.parse(root.getAttribute('data-strings') || '{}');
  function t(k) { return S[k] || k; }
  var form = root.querySelector('form'), table = root.querySelector('table'), status = root.querySelector('.status');
  var csrf = document.querySelector('input[name=csrf_token]');
  if (csrf && !ui.csrf) ui.csrf = csrf.value;
  var ways = ['hub', 'email', 'telegram', 'push'];

  function render(r) {
    table.textContent = '';
    var head = el('tr');
    head.appendChild(el('th', '', t('notify.pref_kind')));
    ways.forEach(function (w) {
      var th = el('th', 'way', t('notify.way.' + w));
      if (r.delivered.indexOf(w) < 0) { th.title = t('notify.way_later'); th.appendChild(el('small', 'muted', ' ' + t('notify.way_later_short'))); }
      head.appendChild(th);
    });
    var thead = el('thead'); thead.appendChild(head); table.appendChild(thead);
    var tbody = el('tbody');
    r.preferences.forEach(function (p) {
      var tr = el('tr');
      tr.setAttribute('data-kind', p.kind);
      tr.appendChild(el('td', '', t('notify.kind.' + p.kind)));
      ways.forEach(function (w) {
        var td = el('td', 'way');
        var box = el('input');
        box.type = 'checkbox'; box.name = w; box.checked = !!p[w];
        box.setAttribute('aria-label', t('notify.kind.' + p.kind) + ': ' + t('notify.way.' + w));
        td.appendChild(box);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var prefs = Array.prototype.map.call(table.querySelectorAll('tbody tr'), function (tr) {
      var p = { kind: tr.getAttribute('data-kind') };
      ways.forEach(function (w) { p[w] = tr.querySelector('input[name=' + w + ']').checked; });
      return p;
    });
    status.textContent = '';
    ui.api('PUT', '/api/v1/notifications/preferences', { preferences: prefs }).then(function (r) {
      render(r);
      status.textContent = t('notify.prefs_saved');
    }).catch(ui.fail(status));
  });
  ui.api('GET', '/api/v1/notifications/preferences').then(render).catch(ui.fail(status));
})();
