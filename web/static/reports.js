// Reports: the inbox figures of a period (GET /api/v1/inbox/stats) as a
// summary, SVG charts drawn here (days, hours, weekdays, the hour ×
// weekday heat map, the ratings' spread), the times' table, and the
// breakdown tables exactly as the server made them (the same cells as the
// CSV and XLSX files); each table has its CSV, the workbook all of them.
(function () {
  'use strict';
  var root = document.getElementById('stats-page');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el;
  var form = document.getElementById('stats-form');
  var f = form.elements;
  var DAY = 864e5;
  var FILTERS = ['line_id', 'operator_id', 'channel_kind', 'channel_id'];

  // --- the period -----------------------------------------------------------
  // Days are YYYY-MM-DD in the user's zone; arithmetic on them is done at
  // noon UTC, where no zone moves a day.
  function at(s) { return new Date(s + 'T12:00:00Z'); }
  function iso(d) { return d.toISOString().slice(0, 10); }
  function preset(p) {
    var today = at(ui.isoDay(new Date())), y = today.getUTCFullYear(), m = today.getUTCMonth(), from, to = today;
    if (p === 'month') from = new Date(Date.UTC(y, m, 1, 12));
    else if (p === 'prev_month') { from = new Date(Date.UTC(y, m - 1, 1, 12)); to = new Date(Date.UTC(y, m, 0, 12)); }
    else if (p === 'quarter') from = new Date(Date.UTC(y, m - m % 3, 1, 12));
    else if (p === 'year') from = new Date(Date.UTC(y, 0, 1, 12));
    else if (+p) from = new Date(today - (+p - 1) * DAY);
    else return;
    f.from.value = iso(from);
    f.to.value = iso(to);
  }
  f.preset.addEventListener('change', function () { preset(f.preset.value); });
  [f.from, f.to].forEach(function (i) { i.addEventListener('change', function () { f.preset.value = 'custom'; }); });
  preset(f.preset.value);

  function query() {
    var q = 'from=' + f.from.value + '&to=' + f.to.value;
    FILTERS.forEach(function (k) { if (f[k].value) q += '&' + k + '=' + encodeURIComponent(f[k].value); });
    if (ui.timeZone) q += '&tz=' + encodeURIComponent(ui.timeZone);
    return q;
  }

  // --- values -----------------------------------------------------------------
  function seconds(s) {
    if (s === null || s === undefined) return '—';
    if (s < 90) return ui.number(Math.round(s)) + ' ' + t('sec');
    if (s < 5400) return ui.number(Math.round(s / 60)) + ' ' + t('min');
    if (s < 172800) return ui.number(s / 3600, 1) + ' ' + t('rep_h');
    return ui.number(s / 86400, 1) + ' ' + t('rep_d');
  }
  function value(v, kind) {
    if (v === null || v === undefined) return '—';
    if (kind === 'seconds') return seconds(v);
    if (kind === 'rating') return ui.number(v, 2);
    return typeof v === 'number' ? ui.number(v) : String(v);
  }

  // --- SVG ----------------------------------------------------------------------
  var NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    var e = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function frame(id, w, h, label) {
    var box = document.getElementById(id);
    box.textContent = '';
    var s = svg('svg', { viewBox: '0 0 ' + w + ' ' + h, role: 'img', 'aria-label': label });
    box.appendChild(s);
    return { box: box, s: s };
  }
  // bars draws series (each [class, values, title]) side by side over
  // labels; every bar carries its figure as a tooltip.
  function bars(id, labels, series, label, every) {
    var n = labels.length, w = Math.max(320, Math.min(1200, n * 30)), h = 200, pad = 26, top = 14;
    var g = frame(id, w, h, label);
    var max = 1;
    series.forEach(function (se) { se[1].forEach(function (v) { max = Math.max(max, v); }); });
    var bw = (w - pad - 4) / Math.max(1, n), part = bw * 0.8 / series.length;
    g.s.appendChild(svg('text', { x: 2, y: top - 2, class: 'axis' }, max));
    g.s.appendChild(svg('line', { x1: pad, x2: w, y1: h - pad, y2: h - pad, stroke: 'currentColor', 'stroke-opacity': 0.3 }));
    labels.forEach(function (l, i) {
      var x = pad + i * bw + bw * 0.1;
      series.forEach(function (se, k) {
        var v = se[1][i], bh = (h - pad - top) * v / max;
        var r = svg('rect', { x: x + k * part, y: h - pad - bh, width: Math.max(1, part - 1), height: bh, class: se[0] });
        r.appendChild(svg('title', {}, l + ': ' + se[2] + ' ' + v));
        g.s.appendChild(r);
      });
      if (i % (every || 1) === 0) g.s.appendChild(svg('text', { x: pad + i * bw + bw / 2, y: h - 8, 'text-anchor': 'middle', class: 'axis' }, l));
    });
    if (series.length > 1) {
      var legend = el('p', 'legend muted');
      series.forEach(function (se) {
        legend.appendChild(el('span', 'swatch ' + se[0]));
        legend.appendChild(document.createTextNode(' ' + se[2] + '  '));
      });
      g.box.appendChild(legend);
    }
  }
  function weekdays() { return t('rep_weekdays').split(','); }
  function heat(m) {
    var days = weekdays(), cw = 30, ch = 24, left = 30, topPad = 18;
    var g = frame('chart-heat', left + 24 * cw + 2, topPad + 7 * ch + 2, t('rep_heat'));
    var max = 1;
    m.forEach(function (row) { row.forEach(function (v) { max = Math.max(max, v); }); });
    for (var hr = 0; hr < 24; hr += 2) g.s.appendChild(svg('text', { x: left + hr * cw + cw / 2, y: 12, 'text-anchor': 'middle', class: 'axis' }, hr));
    m.forEach(function (row, d) {
      g.s.appendChild(svg('text', { x: 2, y: topPad + d * ch + ch / 2 + 4, class: 'axis' }, days[d]));
      row.forEach(function (v, hr) {
        var c = svg('rect', { x: left + hr * cw, y: topPad + d * ch, width: cw, height: ch, class: 'heat-cell',
          fill: v ? 'rgba(37,99,235,' + (0.12 + 0.88 * v / max).toFixed(2) + ')' : 'rgba(128,128,128,0.08)', 'data-n': v });
        c.appendChild(svg('title', {}, days[d] + ' ' + hr + ':00–' + (hr + 1) + ':00: ' + v));
        g.s.appendChild(c);
      });
    });
  }
  function ratings(total) {
    var w = 360, rowH = 26, h = rowH * 5 + 8, left = 40, right = 50;
    var g = frame('chart-ratings', w, h, t('rep_ratings'));
    var max = Math.max(1, Math.max.apply(null, total.ratings));
    for (var i = 4; i >= 0; i--) {
      var y = (4 - i) * rowH + 4, v = total.ratings[i], bw = (w - left - right) * v / max;
      g.s.appendChild(svg('text', { x: 4, y: y + 16, class: 'axis' }, (i + 1) + ' ★'));
      var r = svg('rect', { x: left, y: y + 3, width: Math.max(v ? 2 : 0, bw), height: rowH - 8, class: 'bar-answered' });
      r.appendChild(svg('title', {}, (i + 1) + ': ' + v));
      g.s.appendChild(r);
      g.s.appendChild(svg('text', { x: left + bw + 4, y: y + 16, class: 'val' }, v));
    }
    var avg = el('p', 'muted', t('rep_rating_avg') + ': ' + (total.rated ? ui.number(total.rating_avg, 2) : '—') + ' · ' + t('rep_col_rated') + ': ' + total.rated);
    avg.id = 'rating-avg';
    g.box.appendChild(avg);
  }

  // --- tables ---------------------------------------------------------------------
  function timings(total) {
    var tb = document.getElementById('timings');
    tb.textContent = '';
    var head = el('tr');
    ['', t('rep_mean'), t('rep_median'), t('rep_p90'), t('rep_count')].forEach(function (h, i) { head.appendChild(el('th', i ? 'num' : '', h)); });
    tb.appendChild(head);
    [['first_response', 'first_response'], ['wait', 'wait_time'], ['handling', 'handling'], ['resolution', 'rep_resolution'],
     ['first_response_work', 'rep_first_work'], ['resolution_work', 'rep_resolution_work']].forEach(function (p) {
      var x = total[p[0]], tr = el('tr');
      tr.setAttribute('data-timing', p[0]);
      tr.appendChild(el('td', '', t(p[1])));
      [x.avg_s, x.median_s, x.p90_s].forEach(function (v) { tr.appendChild(el('td', 'num', x.count ? seconds(v) : '—')); });
      tr.appendChild(el('td', 'num', ui.number(x.count)));
      tb.appendChild(tr);
    });
  }
  function tables(s, q) {
    var box = document.getElementById('tables');
    box.textContent = '';
    s.tables.forEach(function (tbl) {
      var sec = el('section', 'card report-table');
      sec.id = 'table-' + tbl.id;
      var h = el('h2', '', tbl.title);
      var csv = el('a', '', 'CSV');
      csv.href = '/api/v1/inbox/stats?format=csv&table=' + tbl.id + '&' + q;
      csv.setAttribute('download', '');
      csv.className = 'csv-link';
      h.appendChild(csv);
      sec.appendChild(h);
      var wrap = el('div', 'table-wrap'), tb = el('table', 'list');
      var head = el('tr');
      head.appendChild(el('th', '', tbl.first));
      s.columns.forEach(function (c) { head.appendChild(el('th', 'num', c.title)); });
      tb.appendChild(head);
      tbl.rows.forEach(function (row, i) {
        var tr = el('tr', tbl.id !== 'operators' && i === tbl.rows.length - 1 ? 'total' : '');
        tr.appendChild(el('td', '', tbl.id === 'days' && i < tbl.rows.length - 1 ? ui.day(row[0]) : row[0]));
        s.columns.forEach(function (c, k) { tr.appendChild(el('td', 'num', value(row[k + 1], c.kind))); });
        tb.appendChild(tr);
      });
      if (!tbl.rows.length) { var tr = el('tr'); tr.appendChild(el('td', 'muted', t('nothing'))); tb.appendChild(tr); }
      wrap.appendChild(tb);
      sec.appendChild(wrap);
      box.appendChild(sec);
    });
  }
  function totals(x) {
    var tot = document.getElementById('totals');
    tot.textContent = '';
    [['received', ui.number(x.received), t('received')], ['answered', ui.number(x.answered), t('answered')],
     ['missed', ui.number(x.missed), t('missed')],
     ['first_response', x.first_response.count ? seconds(x.first_response.median_s) : '—', t('rep_first_median')],
     ['resolution', x.resolution.count ? seconds(x.resolution.median_s) : '—', t('rep_resolution_median')],
     ['rating', x.rated ? ui.number(x.rating_avg, 2) : '—', t('rep_rating_avg')],
     ['sla', ui.number(x.sla_breaches), t('rep_col_sla_breaches')]].forEach(function (p) {
      var d = el('div', 'stat'); d.setAttribute('data-stat', p[0]);
      d.appendChild(el('b', '', p[1])); d.appendChild(el('span', 'muted', p[2])); tot.appendChild(d);
    });
  }
  // options keeps what each filter offered, adding what a report shows:
  // a filtered report names fewer operators, and the list must not shrink.
  function options(name, items) {
    var sel = f[name], have = {};
    Array.prototype.forEach.call(sel.options, function (o) { have[o.value] = true; });
    items.forEach(function (it) { if (it[0] && !have[it[0]]) { sel.add(new Option(it[1], it[0])); have[it[0]] = true; } });
  }

  var loading = 0;
  function load() {
    var q = query(), mine = ++loading;
    var err = document.getElementById('report-error');
    document.getElementById('export-xlsx').href = '/api/v1/inbox/stats?format=xlsx&' + q;
    root.removeAttribute('data-loaded');
    ui.api('GET', '/api/v1/inbox/stats?' + q).then(function (s) {
      if (mine !== loading) return; // a later request is on its way
      err.hidden = true;
      document.getElementById('own-only').hidden = !s.own_only;
      options('operator_id', s.operators.map(function (o) { return [o.operator_id, o.name]; }));
      options('channel_kind', s.kinds.map(function (k) { return [k.kind, t('rep_kind_' + k.kind)]; }));
      options('channel_id', s.channels.map(function (c) { return [c.channel_id, c.name]; }));
      totals(s.total);
      var many = s.days.length > 62;
      bars('chart-days', s.days.map(function (d) { return d.day.slice(8, 10) + '.' + d.day.slice(5, 7); }),
        many ? [['bar-received', s.days.map(function (d) { return d.received; }), t('received')]]
             : [['bar-received', s.days.map(function (d) { return d.received; }), t('received')],
                ['bar-answered', s.days.map(function (d) { return d.answered; }), t('answered')],
                ['bar-missed', s.days.map(function (d) { return d.missed; }), t('missed')]],
        t('by_day'), Math.ceil(s.days.length / 12));
      bars('chart-hours', s.hours.map(function (_, i) { return String(i); }), [['bar-received', s.hours, t('received')]], t('rep_by_hour'), 3);
      bars('chart-weekdays', weekdays(), [['bar-received', s.weekdays, t('received')]], t('rep_by_weekday'), 1);
      heat(s.heat);
      ratings(s.total);
      timings(s.total);
      tables(s, q);
      root.setAttribute('data-loaded', q); // tests wait for the report of their query
    }).catch(function (e) {
      if (mine !== loading) return;
      ui.showError(err, e);
      err.hidden = false;
    });
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); load(); });
  ui.api('GET', '/api/v1/inbox/lines').then(function (r) {
    options('line_id', (r.lines || []).map(function (l) { return [l.id, l.name]; }));
  }).catch(function () {});
  load();
})();
