// The absences page (/absences): the chart of the unit's absences by
// month over the production calendar's days (weekends and holidays
// shaded), the form that requests one's own absence (or, for a head,
// enters anyone's in their units, approved at once), the requests
// awaiting the head's decision, and one's own absences with their status.
// The server checks everything; its message shows under the form.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('absences-page')) return;
  var kinds = ['vacation', 'sick_leave', 'business_trip', 'day_off'];
  var me = null, month = ui.isoDay(new Date()).slice(0, 7), chart = null; // this month in the user's zone
  var form = document.getElementById('abs-form'), errBox = document.getElementById('abs-error');
  var userSel = document.getElementById('abs-user');

  kinds.forEach(function (k) {
    var o = el('option', '', t('abs_kind_' + k)); o.value = k;
    document.getElementById('abs-kind').appendChild(o);
  });
  var legend = document.getElementById('abs-legend');
  kinds.concat(['requested', 'holiday']).forEach(function (k) {
    var li = el('li'), i = el('i', k === 'requested' || k === 'holiday' ? k : 'a-' + k);
    li.appendChild(i); li.appendChild(document.createTextNode(t(k === 'requested' ? 'abs_legend_requested' : k === 'holiday' ? 'abs_legend_holiday' : 'abs_kind_' + k)));
    legend.appendChild(li);
  });

  function shift(m, by) {
    var y = +m.slice(0, 4), mo = +m.slice(5, 7) - 1 + by;
    var d = new Date(Date.UTC(y, mo, 1));
    return d.toISOString().slice(0, 7);
  }
  function monthName(m) {
    var d = new Date(Date.UTC(+m.slice(0, 4), +m.slice(5, 7) - 1, 1));
    var s = new Intl.DateTimeFormat(ui.lang, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
  function span(a) { return ui.day(a.starts_on) + ' – ' + ui.day(a.ends_on); }

  function drawChart(c, days) {
    chart = c;
    document.getElementById('abs-title').textContent = monthName(c.month);
    var table = document.getElementById('abs-chart');
    table.textContent = '';
    var head = el('tr'), nameTh = el('th', 'name', t('abs_person'));
    head.appendChild(nameTh);
    days.forEach(function (d) {
      var th = el('th', d.kind === 'working' ? '' : d.kind, +d.date.slice(8));
      th.title = d.name || t('wc_kind_' + d.kind);
      head.appendChild(th);
    });
    table.appendChild(head);
    var byUser = {};
    c.absences.forEach(function (a) {
      if (a.status === 'rejected') return;
      (byUser[a.user_id] = byUser[a.user_id] || []).push(a);
    });
    c.people.forEach(function (p) {
      var tr = el('tr'), name = el('td', 'name', p.name);
      name.title = p.name + ' · ' + p.unit;
      tr.appendChild(name);
      days.forEach(function (d) {
        var cls = d.kind === 'working' ? '' : d.kind, label = '';
        (byUser[p.id] || []).forEach(function (a) {
          if (a.starts_on <= d.date && a.ends_on >= d.date) {
            cls += ' a-' + a.kind + (a.status === 'requested' ? ' requested' : '');
            label = t('abs_kind_' + a.kind) + ' · ' + t('abs_status_' + a.status) + ' · ' + span(a);
          }
        });
        var td = el('td', cls.trim());
        if (label) { td.title = label; td.setAttribute('aria-label', p.name + ': ' + label); td.dataset.kind = cls.indexOf('a-') >= 0 ? 'absent' : ''; }
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    // a head enters absences of anyone shown; others request their own
    var head2 = c.may_enter;
    document.getElementById('abs-user-label').hidden = !head2;
    if (head2 && !userSel.options.length) {
      c.people.forEach(function (p) {
        var o = el('option', '', p.name); o.value = p.id;
        if (me && p.id === me.id) o.selected = true;
        userSel.appendChild(o);
      });
    }
    syncSubmit();
  }
  function syncSubmit() {
    var other = !document.getElementById('abs-user-label').hidden && me && userSel.value && userSel.value !== me.id;
    document.getElementById('abs-submit').textContent = t(other ? 'abs_enter' : 'abs_request');
  }
  userSel.addEventListener('change', syncSubmit);

  function row(a, actions) {
    var li = el('li');
    li.dataset.id = a.id;
    var main = el('span', 'grow');
    main.appendChild(el('b', '', a.user_name));
    main.appendChild(document.createTextNode(' · ' + t('abs_kind_' + a.kind) + ' · ' + span(a)));
    if (a.comment) main.appendChild(el('span', 'muted', ' · ' + a.comment));
    li.appendChild(main);
    var st = el('span', 'st-' + a.status, t('abs_status_' + a.status) + (a.reason ? ': ' + a.reason : ''));
    li.appendChild(st);
    actions.forEach(function (x) {
      var b = el('button', x[2] || '', x[0]);
      b.type = 'button';
      b.addEventListener('click', function () {
        b.disabled = true;
        x[1]().then(load).catch(function (e) { b.disabled = false; ui.toast(e.message); });
      });
      li.appendChild(b);
    });
    return li;
  }

  function drawRequests(list) {
    var box = document.getElementById('abs-requests'), ul = document.getElementById('abs-requests-list');
    box.hidden = !list.length;
    ul.textContent = '';
    list.forEach(function (a) {
      ul.appendChild(row(a, [
        [t('abs_approve'), function () { return api('POST', '/api/v1/absences/' + a.id + '/approve'); }, 'primary'],
        [t('abs_reject'), function () {
          var why = window.prompt(t('abs_reject_reason'), '');
          if (why === null) return Promise.resolve();
          return api('POST', '/api/v1/absences/' + a.id + '/reject', { reason: why });
        }]
      ]));
    });
  }
  function drawMine(list) {
    var ul = document.getElementById('abs-mine');
    ul.textContent = '';
    if (!list.length) ul.appendChild(el('li', 'muted', t('abs_none')));
    list.forEach(function (a) {
      var acts = [];
      if (a.status === 'requested' || a.status === 'approved') {
        acts.push([t('abs_cancel'), function () { return api('POST', '/api/v1/absences/' + a.id + '/cancel'); }]);
      }
      ul.appendChild(row(a, acts));
    });
  }

  function load() {
    return ui.ready().then(function () {
      if (!me) return ui.me().then(function (r) { me = r.user; });
    }).then(function () {
      var first = month + '-01', last = new Date(Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 0)).toISOString().slice(0, 10);
      return Promise.all([
        api('GET', '/api/v1/absences?month=' + month),
        api('GET', '/api/v1/workcal/days?from=' + first + '&to=' + last),
        api('GET', '/api/v1/absences/mine'),
        api('GET', '/api/v1/absences/requests')
      ]);
    }).then(function (r) {
      drawChart(r[0], r[1].days);
      drawMine(r[2].absences);
      drawRequests(r[3].absences);
    }).catch(ui.fail(errBox));
  }

  document.getElementById('abs-prev').addEventListener('click', function () { month = shift(month, -1); load(); });
  document.getElementById('abs-next').addEventListener('click', function () { month = shift(month, 1); load(); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    errBox.hidden = true;
    var f = new FormData(form), body = { kind: f.get('kind'), starts_on: f.get('starts_on'), ends_on: f.get('ends_on'), comment: f.get('comment') };
    if (!document.getElementById('abs-user-label').hidden) body.user_id = f.get('user_id');
    api('POST', '/api/v1/absences', body).then(function (r) {
      ui.toast(t(r.absence.status === 'approved' ? 'abs_entered' : 'abs_requested'));
      form.reset(); syncSubmit();
      return load();
    }).catch(ui.fail(errBox));
  });
  load();
})();
