// The time sheet (/worktime): a unit's people by day of the month, the
// hours each worked (from the intervals the header's control records),
// absences by letter, weekends and holidays shaded from the production
// calendar, the month's total against the norm. A head clicks a cell of
// someone they head to correct it with a reason; a corrected cell is
// marked and says why on hover. The server checks everything.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('worktime-page')) return;
  var month = '', unit = '', sheet = null, target = null;
  var errBox = document.getElementById('wt-error'), form = document.getElementById('wt-form');
  var unitSel = document.getElementById('wt-unit');

  function fill(s) { var a = [].slice.call(arguments, 1); return s.replace(/%s/g, function () { return a.shift(); }); }
  function hours(min) { return String(Math.round(min / 60 * 100) / 100).replace('.', ','); }
  function shift(m, by) {
    var d = new Date(Date.UTC(+m.slice(0, 4), +m.slice(5, 7) - 1 + by, 1));
    return d.toISOString().slice(0, 7);
  }
  function monthName(m) {
    var d = new Date(Date.UTC(+m.slice(0, 4), +m.slice(5, 7) - 1, 1));
    var s = new Intl.DateTimeFormat(ui.lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function draw(sh) {
    sheet = sh;
    month = sh.month; // the server's month: this one in the installation's zone at first
    document.getElementById('wt-title').textContent = monthName(sh.month);
    document.getElementById('wt-norm').textContent = sh.unit_name + ' · ' + fill(t('wt_norm_of'), sh.norm_hours);
    document.getElementById('wt-export').href = '/api/v1/worktime/sheet.xlsx?month=' + sh.month + (unit ? '&unit=' + encodeURIComponent(unit) : '');
    var table = document.getElementById('wt-sheet');
    table.textContent = '';
    var head = el('tr');
    head.appendChild(el('th', 'name', t('wt_person')));
    sh.days.forEach(function (d) {
      var th = el('th', d.off ? (d.holiday ? 'holiday' : 'weekend') : (d.hours < 8 ? 'short' : ''), String(+d.date.slice(8)));
      head.appendChild(th);
    });
    head.appendChild(el('th', 'total', t('wt_total')));
    table.appendChild(head);
    if (!sh.rows || !sh.rows.length) {
      var tr0 = el('tr'), td0 = el('td', 'name', t('wt_empty'));
      tr0.appendChild(td0); table.appendChild(tr0);
    }
    (sh.rows || []).forEach(function (r) {
      var tr = el('tr'), name = el('td', 'name', r.name);
      name.title = r.name;
      tr.appendChild(name);
      r.cells.forEach(function (c, i) {
        var d = sh.days[i];
        var cls = d.off ? (d.holiday ? 'holiday' : 'weekend') : '';
        var text = c.correction || c.minutes ? hours(c.minutes) : (c.code || '');
        if (c.correction) cls += ' fixed';
        if (c.code && !c.minutes) cls += ' code';
        var td = el('td', cls.trim(), text);
        td.dataset.day = d.date;
        if (c.correction) {
          td.title = fill(t('wt_corrected'), c.correction.reason, hours(c.correction.computed), c.correction.by_name);
        }
        if (r.may_correct) {
          td.classList.add('editable');
          td.tabIndex = 0;
          td.setAttribute('role', 'button');
          td.setAttribute('aria-label', r.name + ', ' + ui.day(d.date) + ': ' + (text || '0') + (td.title ? ' · ' + td.title : ''));
          var open = function () { edit(r, d, c); };
          td.addEventListener('click', open);
          td.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
        }
        tr.appendChild(td);
      });
      tr.appendChild(el('td', 'total', hours(r.minutes) + ' / ' + sh.norm_hours));
      table.appendChild(tr);
    });
  }

  function edit(r, d, c) {
    target = { user_id: r.user_id, day: d.date };
    document.getElementById('wt-form-title').textContent = t('wt_correct') + ': ' + r.name + ', ' + ui.day(d.date);
    form.elements.hours.value = String(Math.round(c.minutes / 60 * 100) / 100);
    form.elements.reason.value = c.correction ? c.correction.reason : '';
    document.getElementById('wt-form-error').hidden = true;
    form.hidden = false;
    form.elements.hours.focus();
  }
  document.getElementById('wt-form-cancel').addEventListener('click', function () { form.hidden = true; });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = { user_id: target.user_id, day: target.day, hours: parseFloat(String(form.elements.hours.value).replace(',', '.')), reason: form.elements.reason.value };
    api('POST', '/api/v1/worktime/corrections', body).then(function () {
      form.hidden = true;
      ui.toast(t('wt_saved'));
      return load();
    }).catch(ui.fail(document.getElementById('wt-form-error')));
  });

  function units() {
    return api('GET', '/api/v1/units').then(function (r) {
      (r.units || []).forEach(function (u) {
        var o = el('option', '', u.name); o.value = u.id;
        if (u.id === sheet.unit_id) o.selected = true;
        unitSel.appendChild(o);
      });
      unitSel.parentNode.hidden = unitSel.options.length < 2;
    }).catch(function () { unitSel.parentNode.hidden = true; });
  }
  unitSel.addEventListener('change', function () { unit = unitSel.value; load(); });

  function load() {
    errBox.hidden = true;
    return ui.ready().then(function () {
      return api('GET', '/api/v1/worktime/sheet?month=' + month + (unit ? '&unit=' + encodeURIComponent(unit) : ''));
    }).then(draw).catch(ui.fail(errBox));
  }
  document.getElementById('wt-prev').addEventListener('click', function () { if (month) { month = shift(month, -1); load(); } });
  document.getElementById('wt-next').addEventListener('click', function () { if (month) { month = shift(month, 1); load(); } });
  load().then(function () { if (sheet) return units(); });
})();
