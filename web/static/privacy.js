// Personal data (/admin/privacy): the access log searched by member, by
// staff member and by period, with people's full names; the consent
// register with its export and the versioned consent texts; and, for
// those who manage settings, the retention periods and the daily runs.
// The server checks everything and refuses a period under the minimum.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('privacy-page')) return;
  var tabs = document.querySelectorAll('nav.staff-tabs a');
  var canManage = false;

  function fill(s) { var a = [].slice.call(arguments, 1); return s.replace(/%s/g, function () { return a.shift(); }); }
  function show(name) {
    ['access', 'consents', 'retention'].forEach(function (n) { document.getElementById('pd-' + n).hidden = n !== name; });
    [].forEach.call(tabs, function (a) {
      var on = a.dataset.tab === name;
      a.classList.toggle('on', on);
      if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    if (name === 'consents') loadConsents();
    if (name === 'retention') loadRetention();
  }
  function route() {
    var name = (location.hash || '#access').slice(1);
    if (name === 'retention' && !canManage) name = 'access';
    show(['access', 'consents', 'retention'].indexOf(name) >= 0 ? name : 'access');
  }
  function query(form) {
    var p = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (v && k !== 'q') p.set(k, v); });
    return p;
  }
  function head(table, cols) {
    table.textContent = '';
    var tr = el('tr');
    cols.forEach(function (c) { tr.appendChild(el('th', '', c)); });
    table.appendChild(tr);
  }
  function row(table, cells, first) {
    var tr = el('tr');
    cells.forEach(function (c, i) { tr.appendChild(el('td', i === 0 && first ? first : '', c)); });
    table.appendChild(tr);
  }
  function actionName(a) { var n = t('pd_act_' + a); return n === 'pd_act_' + a ? a : n; }

  // --- access log -----------------------------------------------------------
  var aForm = document.getElementById('pd-access-form'), aTable = document.getElementById('pd-access-rows');
  var aErr = document.getElementById('pd-access-error'), more = document.getElementById('pd-access-more');
  var last = '';
  function loadAccess(append) {
    var p = query(aForm);
    if (append && last) p.set('before', last);
    aErr.hidden = true;
    api('GET', '/api/v1/privacy/access?' + p).then(function (r) {
      if (!append) head(aTable, [t('pd_when'), t('pd_who'), t('pd_what'), t('pd_member'), t('pd_where')]);
      r.rows.forEach(function (x) {
        row(aTable, [ui.dateTime(x.at), x.actor_name, actionName(x.action), x.member_name || '', x.ip || ''], 'when');
      });
      if (!append && !r.rows.length) row(aTable, [t('pd_none'), '', '', '', '']);
      last = r.rows.length ? r.rows[r.rows.length - 1].id : '';
      more.hidden = r.rows.length < 100;
    }).catch(ui.fail(aErr));
  }
  aForm.addEventListener('submit', function (ev) { ev.preventDefault(); loadAccess(false); });
  more.addEventListener('click', function () { loadAccess(true); });
  var mq = document.getElementById('pd-member-q'), msel = document.getElementById('pd-member'), timer = 0;
  mq.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (mq.value.trim().length < 3) return;
      api('GET', '/api/v1/crm/members?limit=20&q=' + encodeURIComponent(mq.value.trim())).then(function (r) {
        msel.textContent = '';
        msel.appendChild(el('option', '', '—')).value = '';
        r.members.forEach(function (m) {
          var o = el('option', '', m.full_name + (m.unit_name ? ' · ' + m.unit_name : ''));
          o.value = m.id;
          msel.appendChild(o);
        });
        if (r.members.length) msel.value = r.members[0].id;
      }).catch(ui.fail(aErr));
    }, 300);
  });
  api('GET', '/api/v1/users?limit=500').then(function (r) {
    var sel = document.getElementById('pd-user');
    r.users.forEach(function (u) { var o = el('option', '', u.full_name); o.value = u.id; sel.appendChild(o); });
  }).catch(function () { /* the filter by person is optional */ });

  // --- consent register -----------------------------------------------------
  var cForm = document.getElementById('pd-consent-form'), cTable = document.getElementById('pd-consent-rows');
  var cErr = document.getElementById('pd-consent-error');
  function loadConsents() {
    var p = query(cForm);
    document.getElementById('pd-consent-export').href = '/api/v1/privacy/consents.xlsx?' + p;
    cErr.hidden = true;
    api('GET', '/api/v1/privacy/consents?' + p).then(function (r) {
      head(cTable, [t('pd_when'), t('pd_member'), t('pd_text_kind'), t('pd_state'), t('pd_version'), t('pd_way'), t('pd_address'), t('pd_recorded_by')]);
      r.consents.forEach(function (c) {
        var kind = t('pd_kind_' + c.kind) + (c.topic ? ' · ' + c.topic : '');
        var ver = String(c.text_version) + (c.ask_again ? ' — ' + t('pd_ask_again') : '');
        row(cTable, [ui.dateTime(c.at), c.member_name, kind, c.given ? t('pd_given') : t('pd_withdrawn'), ver, t('pd_way_' + c.channel), c.address || '', c.recorded_by], 'when');
      });
      if (!r.consents.length) row(cTable, [t('pd_none'), '', '', '', '', '', '', '']);
    }).catch(ui.fail(cErr));
    loadTexts();
  }
  cForm.addEventListener('submit', function (ev) { ev.preventDefault(); loadConsents(); });
  function loadTexts() {
    api('GET', '/api/v1/privacy/consent-texts').then(function (r) {
      var list = document.getElementById('pd-text-list');
      list.textContent = '';
      var seen = {};
      r.texts.forEach(function (x) {
        if (seen[x.kind]) return; // the newest version of each kind
        seen[x.kind] = true;
        var li = el('li');
        li.appendChild(el('strong', '', t('pd_kind_' + x.kind) + ' · ' + t('pd_version') + ' ' + x.version));
        li.appendChild(el('span', 'grow', x.text));
        li.appendChild(el('span', 'muted', ui.dateTime(x.created_at)));
        list.appendChild(li);
      });
      if (!r.texts.length) list.appendChild(el('li', 'muted', t('pd_no_text')));
    }).catch(ui.fail(cErr));
  }
  var tForm = document.getElementById('pd-text-form');
  tForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var errBox = document.getElementById('pd-text-error');
    errBox.hidden = true;
    ui.ready().then(function () {
      return api('POST', '/api/v1/privacy/consent-texts', { kind: tForm.kind.value, text: tForm.text.value });
    }).then(function (r) {
      ui.toast(fill(t('pd_text_saved'), r.text.version));
      tForm.text.value = '';
      loadConsents();
    }).catch(ui.fail(errBox));
  });

  // --- retention --------------------------------------------------------------
  var rErr = document.getElementById('pd-ret-error');
  function loadRetention() {
    api('GET', '/api/v1/privacy/retention').then(function (r) {
      var table = document.getElementById('pd-ret-rows');
      head(table, [t('pd_ret_kind'), t('pd_ret_days'), t('pd_ret_min'), '']);
      r.retention.forEach(function (x) {
        var tr = el('tr');
        tr.appendChild(el('td', '', t('pd_ret_' + x.kind)));
        var td = el('td'), inp = el('input', 'pd-days');
        inp.type = 'number'; inp.min = '0'; inp.value = x.days; inp.setAttribute('aria-label', t('pd_ret_' + x.kind));
        inp.title = t('pd_ret_forever');
        td.appendChild(inp); tr.appendChild(td);
        tr.appendChild(el('td', '', String(x.min_days)));
        var save = el('button', '', t('pd_ret_save'));
        save.type = 'button';
        save.addEventListener('click', function () {
          rErr.hidden = true;
          ui.ready().then(function () {
            return api('PUT', '/api/v1/privacy/retention/' + x.kind, { days: Number(inp.value) });
          }).then(function () { ui.toast(t('pd_ret_saved')); }).catch(ui.fail(rErr));
        });
        var tdb = el('td'); tdb.appendChild(save); tr.appendChild(tdb);
        table.appendChild(tr);
      });
      var runs = document.getElementById('pd-runs');
      runs.textContent = '';
      (r.runs || []).forEach(function (run) {
        var n = 0;
        Object.keys(run.done || {}).forEach(function (k) { n += run.done[k]; });
        runs.appendChild(el('li', '', fill(t('pd_run_line'), ui.day(run.day), n, run.files || 0)));
      });
      if (!(r.runs || []).length) runs.appendChild(el('li', 'muted', t('pd_none')));
    }).catch(ui.fail(rErr));
  }

  [].forEach.call(tabs, function (a) {
    a.addEventListener('click', function (ev) { ev.preventDefault(); history.replaceState(null, '', '#' + a.dataset.tab); route(); });
  });
  // Who manages settings sees the retention tab and the consent texts' form.
  api('GET', '/api/v1/privacy/retention').then(function () {
    canManage = true;
    document.querySelector('a[data-tab=retention]').hidden = false;
    tForm.hidden = false;
  }).catch(function () { /* not an administrator */ }).then(function () {
    route();
    loadAccess(false);
  });
})();
