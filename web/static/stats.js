// Inbox statistics: totals, a per-day chart (plain SVG) and tables per
// operator and line, from GET /api/v1/inbox/stats; the same query exports
// to XLSX and CSV.
(function () {
  'use strict';
  var root = document.getElementById('stats-page');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el;
  var form = document.getElementById('stats-form');
  var iso = ui.isoDay; // days in the user's zone, as the server reads them
  var today = new Date(), monthAgo = new Date(Date.now() - 29 * 864e5);
  form.elements.from.value = iso(monthAgo);
  form.elements.to.value = iso(today);
  function query() {
    var q = 'from=' + form.elements.from.value + '&to=' + form.elements.to.value;
    if (form.elements.line_id.value) q += '&line_id=' + encodeURIComponent(form.elements.line_id.value);
    // Days are cut in the user's zone, the one every page shows.
    if (window.profhub && profhub.timeZone) q += '&tz=' + encodeURIComponent(profhub.timeZone);
    return q;
  }
  var columns = [['received', t('received')], ['answered', t('answered')], ['missed', t('missed')], ['closed', t('closed_n')],
    ['first_response', t('first_response')], ['wait', t('wait_time')], ['handling', t('handling')], ['rating_avg', t('rating')]];
  function cell(f, key) {
    var v = f[key];
    if (v && typeof v === 'object') return ui.duration(v.avg_s);
    if (key === 'rating_avg') return f.rated ? v.toFixed(1) : '—';
    return v;
  }
  function table(id, rows, nameKey) {
    var tb = document.getElementById(id);
    tb.textContent = '';
    var head = el('tr');
    head.appendChild(el('th', '', ''));
    columns.forEach(function (c) { head.appendChild(el('th', '', c[1])); });
    tb.appendChild(head);
    rows.forEach(function (r) {
      var tr = el('tr');
      tr.appendChild(el('td', '', r[nameKey]));
      columns.forEach(function (c) { tr.appendChild(el('td', '', cell(r, c[0]))); });
      tb.appendChild(tr);
    });
    if (!rows.length) { var tr = el('tr'); tr.appendChild(el('td', 'muted', t('nothing'))); tb.appendChild(tr); }
  }
  var NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function chart(days) {
    var box = document.getElementById('chart');
    box.textContent = '';
    var w = Math.max(600, days.length * 28), h = 220, pad = 28;
    var max = Math.max(1, Math.max.apply(null, days.map(function (d) { return d.received; })));
    var s = svg('svg', { viewBox: '0 0 ' + w + ' ' + h, role: 'img', 'aria-label': t('by_day') });
    var bw = (w - pad * 2) / Math.max(1, days.length);
    days.forEach(function (d, i) {
      var x = pad + i * bw, hr = (h - pad * 2) * d.received / max, ha = (h - pad * 2) * d.answered / max, hm = (h - pad * 2) * d.missed / max;
      var third = bw * 0.3;
      s.appendChild(svg('rect', { x: x + 2, y: h - pad - hr, width: third, height: hr, class: 'bar-received' }));
      s.appendChild(svg('rect', { x: x + 2 + third, y: h - pad - ha, width: third, height: ha, class: 'bar-answered' }));
      s.appendChild(svg('rect', { x: x + 2 + 2 * third, y: h - pad - hm, width: third, height: hm, class: 'bar-missed' }));
      if (days.length <= 31 && (i % Math.ceil(days.length / 10) === 0)) {
        var lbl = svg('text', { x: x + bw / 2, y: h - 8, 'text-anchor': 'middle', class: 'axis' });
        lbl.textContent = d.day.slice(8, 10) + '.' + d.day.slice(5, 7);
        s.appendChild(lbl);
      }
      var tip = svg('title', {});
      tip.textContent = d.day + ': ' + t('received') + ' ' + d.received + ', ' + t('answered') + ' ' + d.answered + ', ' + t('missed') + ' ' + d.missed;
      s.lastChild.appendChild(tip);
    });
    var top = svg('text', { x: 4, y: pad - 8, class: 'axis' });
    top.textContent = max;
    s.appendChild(top);
    box.appendChild(s);
    var legend = el('p', 'legend muted');
    [['bar-received', t('received')], ['bar-answered', t('answered')], ['bar-missed', t('missed')]].forEach(function (l) {
      var sw = el('span', 'swatch ' + l[0]); legend.appendChild(sw); legend.appendChild(document.createTextNode(' ' + l[1] + '  '));
    });
    box.appendChild(legend);
  }
  function load() {
    document.getElementById('export-xlsx').href = '/api/v1/inbox/stats?format=xlsx&' + query();
    document.getElementById('export-csv').href = '/api/v1/inbox/stats?format=csv&' + query();
    fetch('/api/v1/inbox/stats?' + query(), { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (s) {
      if (s.error) { alert(s.error.message); return; }
      document.getElementById('own-only').hidden = !s.own_only;
      var tot = document.getElementById('totals');
      tot.textContent = '';
      [[s.total.received, t('received')], [s.total.answered, t('answered')], [s.total.missed, t('missed')],
       [ui.duration(s.total.first_response.avg_s), t('first_response')], [ui.duration(s.total.wait.avg_s), t('wait_time')]].forEach(function (p) {
        var d = el('div', 'stat'); d.appendChild(el('b', '', p[0])); d.appendChild(el('span', 'muted', p[1])); tot.appendChild(d);
      });
      chart(s.days || []);
      table('by-operator', s.operators || [], 'name');
      table('by-line', s.lines || [], 'name');
    });
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); load(); });
  fetch('/api/v1/inbox/lines', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (r) {
    (r.lines || []).forEach(function (l) { form.elements.line_id.add(new Option(l.name, l.id)); });
  });
  load();
})();
