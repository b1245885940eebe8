// The administrator's production calendar (/admin/calendar): the known
// years with their totals and where each comes from (shipped in the
// binary or uploaded, by whom and when), the upload of a year's file
// (refused with the server's reason when it is wrong: nothing changes),
// the return to the shipped file, and the year's twelve months with
// holidays, transferred days off and shortened days marked.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('workcal-page')) return;
  var shown = new Date().getFullYear(), errBox = document.getElementById('wc-error');

  function drawYears(years) {
    var table = document.getElementById('wc-years');
    table.textContent = '';
    var head = el('tr');
    [t('wc_year'), t('wc_days'), t('wc_hours'), t('wc_origin'), t('wc_source'), ''].forEach(function (h) { head.appendChild(el('th', '', h)); });
    table.appendChild(head);
    years.forEach(function (y) {
      var tr = el('tr');
      tr.dataset.year = y.year;
      var yc = el('td');
      yc.appendChild(el('b', '', y.year));
      if (y.provisional) { yc.appendChild(document.createElement('br')); yc.appendChild(el('span', 'badge', t('wc_provisional'))); }
      tr.appendChild(yc);
      tr.appendChild(el('td', '', y.working_days));
      tr.appendChild(el('td', '', y.working_hours));
      tr.appendChild(el('td', '', y.origin === 'uploaded' ? t('wc_uploaded') + ': ' + y.uploaded_by + ', ' + ui.dateTime(y.uploaded_at) : t('wc_shipped')));
      tr.appendChild(el('td', 'src', y.source));
      var acts = el('td');
      var show = el('button', '', t('wc_show'));
      show.type = 'button';
      show.addEventListener('click', function () { shown = y.year; drawMonths(); });
      acts.appendChild(show);
      var dl = el('a', 'wc-dl', t('wc_download'));
      dl.href = '/api/v1/workcal/years/' + y.year; dl.download = y.year + '.json';
      acts.appendChild(dl);
      if (y.origin === 'uploaded') {
        var back = el('button', 'danger', t('wc_revert'));
        back.type = 'button';
        back.addEventListener('click', function () {
          api('DELETE', '/api/v1/workcal/years/' + y.year).then(load).catch(ui.fail(errBox));
        });
        acts.appendChild(back);
      }
      tr.appendChild(acts);
      table.appendChild(tr);
    });
  }

  function drawMonths() {
    document.getElementById('wc-shown').textContent = shown;
    api('GET', '/api/v1/workcal/days?from=' + shown + '-01-01&to=' + shown + '-12-31').then(function (r) {
      var box = document.getElementById('wc-months');
      box.textContent = '';
      var byMonth = {};
      r.days.forEach(function (d) { (byMonth[d.date.slice(5, 7)] = byMonth[d.date.slice(5, 7)] || []).push(d); });
      var wd = new Intl.DateTimeFormat(ui.lang, { weekday: 'short', timeZone: 'UTC' });
      Object.keys(byMonth).sort().forEach(function (m) {
        var days = byMonth[m], sec = el('div', 'wc-month card');
        var name = new Intl.DateTimeFormat(ui.lang, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(shown, +m - 1, 1)));
        var work = days.filter(function (d) { return d.hours > 0; }).length;
        sec.appendChild(el('h3', '', name.charAt(0).toUpperCase() + name.slice(1) + ' · ' + work + ' ' + t('wc_days_short')));
        var table = el('table'), head = el('tr');
        for (var i = 0; i < 7; i++) head.appendChild(el('th', 'muted', wd.format(new Date(Date.UTC(2024, 0, 1 + i)))));
        table.appendChild(head);
        var tr = el('tr'), first = (new Date(days[0].date + 'T00:00:00Z').getUTCDay() + 6) % 7;
        for (var j = 0; j < first; j++) tr.appendChild(el('td'));
        days.forEach(function (d) {
          var td = el('td', d.kind === 'working' ? '' : d.kind, +d.date.slice(8));
          td.title = (d.name ? d.name + ' · ' : '') + t('wc_kind_' + d.kind);
          tr.appendChild(td);
          if (tr.children.length === 7) { table.appendChild(tr); tr = el('tr'); }
        });
        if (tr.children.length) table.appendChild(tr);
        sec.appendChild(table);
        box.appendChild(sec);
      });
    }).catch(ui.fail(errBox));
  }

  function load() {
    return ui.ready().then(function () { return api('GET', '/api/v1/workcal/years'); })
      .then(function (r) { drawYears(r.years); drawMonths(); }).catch(ui.fail(errBox));
  }

  document.getElementById('wc-prev').addEventListener('click', function () { shown--; drawMonths(); });
  document.getElementById('wc-next').addEventListener('click', function () { shown++; drawMonths(); });
  document.getElementById('wc-upload').addEventListener('submit', function (e) {
    e.preventDefault();
    errBox.hidden = true;
    var year = document.getElementById('wc-year').value, file = document.getElementById('wc-file').files[0];
    if (!file) return;
    fetch('/api/v1/workcal/years/' + encodeURIComponent(year), { method: 'PUT', body: file, credentials: 'same-origin',
      headers: { 'X-CSRF-Token': ui.csrf, 'Content-Type': 'application/json' } })
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error((j.error && j.error.message) || r.statusText);
          return j;
        });
      })
      .then(function (j) { ui.toast(t('wc_done') + ' ' + j.year.year); shown = j.year.year; e.target.reset(); return load(); })
      .catch(ui.fail(errBox));
  });
  load();
})();
