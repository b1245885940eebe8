// The supervisor's view: every supervised line with its queue and
// operators, refreshed on every inbox event and every few seconds; open
// conversations can be taken over, and their routing explained. An
// operator on an approved absence is flagged, and so are their open
// conversations, which the supervisor hands on.
(function () {
  'use strict';
  var root = document.getElementById('supervisor');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el;
  var api = ui.api;
  function mins(s) { return s < 60 ? s + ' ' + t('sec') : Math.round(s / 60) + ' ' + t('min'); }

  function render(lines, convs) {
    var box = document.getElementById('lines');
    box.textContent = '';
    if (!lines.length) box.appendChild(el('p', 'muted', t('nothing')));
    lines.forEach(function (l) {
      var card = el('section', 'card line-card');
      card.appendChild(el('h2', '', l.name));
      var stats = el('div', 'stats');
      [[t('queue'), l.waiting], [t('longest_wait'), l.waiting ? mins(l.longest_wait_s) : '—'], [t('status_active'), l.active],
       [t('received_today'), l.received_today], [t('closed_today'), l.closed_today],
       [t('sla_breached_open'), l.sla_breached_open, 'sla-open'], [t('sla_breached_today'), l.sla_breached_today, 'sla-today']].forEach(function (p) {
        var s = el('div', 'stat' + ((p[0] === t('queue') && l.waiting) || (p[2] && p[1]) ? ' hot' : '') + (p[2] ? ' ' + p[2] : ''));
        s.appendChild(el('b', '', p[1])); s.appendChild(el('span', 'muted', p[0]));
        stats.appendChild(s);
      });
      card.appendChild(stats);
      var ops = el('table', 'list ops');
      var head = el('tr');
      [t('operator'), t('presence'), t('load')].forEach(function (h) { head.appendChild(el('th', '', h)); });
      ops.appendChild(head);
      var away = {};
      l.operators.forEach(function (o) {
        var tr = el('tr', o.absence ? 'absent' : '');
        tr.appendChild(el('td', '', o.name));
        var pres = el('td', 'pres pres-' + o.presence, t(o.presence));
        if (o.absence) {
          // an approved absence today: their open conversations wait for a hand-over
          away[o.user_id] = o;
          pres.appendChild(el('span', 'badge overdue absent-flag', t('abs_kind_' + o.absence) + ' ' + t('abs_until') + ' ' + ui.day(o.absent_until)));
        }
        tr.appendChild(pres);
        tr.appendChild(el('td', '', o.active + ' / ' + o.capacity));
        ops.appendChild(tr);
      });
      card.appendChild(ops);
      var list = el('ul', 'sup-convs');
      (convs[l.line_id] || []).forEach(function (c) {
        var gone = c.assignee_id && away[c.assignee_id];
        var li = el('li', gone ? 'absent' : '');
        li.appendChild(el('b', '', c.contact_name));
        li.appendChild(el('span', 'muted', ' · ' + t('status_' + c.status)));
        if (ui.slaBadge) { var b = ui.slaBadge(c, l); if (!b.hidden) { li.appendChild(document.createTextNode(' ')); li.appendChild(b); } }
        if (gone) li.appendChild(el('span', 'badge overdue absent-flag', t('abs_operator_away') + ': ' + gone.name));
        var take = el('button', '', t('take_over'));
        take.addEventListener('click', function () {
          api('POST', '/api/v1/inbox/conversations/' + c.id + '/takeover').then(function () { location.href = '/inbox'; }).catch(function (e) { alert(e.message); });
        });
        var why = el('button', 'link', t('routing_log'));
        why.addEventListener('click', function () { showLog(c.id); });
        li.appendChild(take); li.appendChild(why);
        list.appendChild(li);
      });
      card.appendChild(list);
      box.appendChild(card);
    });
  }
  function showLog(id) {
    api('GET', '/api/v1/inbox/conversations/' + id + '/routing').then(function (r) {
      var ol = document.getElementById('log');
      ol.textContent = '';
      r.entries.forEach(function (e) {
        var reason = e.reason ? JSON.stringify(e.reason) : '';
        ol.appendChild(el('li', '', ui.time(e.at, true) + ' — ' + e.decision + (e.operator_id ? ' → ' + e.operator_id : '') + ' ' + reason));
      });
      document.getElementById('log-dialog').showModal();
    });
  }
  function refresh() {
    Promise.all([api('GET', '/api/v1/inbox/overview'), api('GET', '/api/v1/inbox/conversations?status=open&limit=500')]).then(function (r) {
      var convs = {};
      r[1].conversations.forEach(function (c) { (convs[c.line_id] = convs[c.line_id] || []).push(c); });
      render(r[0].lines, convs);
    }).catch(function () {});
  }
  var pending;
  function soon() { clearTimeout(pending); pending = setTimeout(refresh, 300); }
  // Any event or gap means the figures moved: redraw them once it settles.
  ui.me().then(function () { refresh(); ui.live('/api/v1/inbox/ws', { onEvent: soon, onResync: soon }); });
  setInterval(refresh, 5000);
})();
