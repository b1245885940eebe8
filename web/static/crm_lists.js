// Universal lists (/lists): a list's records with search and paging, a
// form built from the list's typed fields to add or edit a record, and the
// XLSX export and import of the list (the CRM lists API).
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('lists-page')) return;
  var PAGE = 50;
  var filters = document.getElementById('l-filters'), form = document.getElementById('l-form');
  var lists = {}, list = null, offset = 0, total = 0, editing = null, units = null;
  function $(id) { return document.getElementById(id); }
  var fail = ui.fail($('l-error'));

  function shown(f, rec) {
    var v = rec.values[f.key];
    if (v === undefined || v === null) return '';
    if (f.type === 'member' || f.type === 'organisation') return (rec.labels && rec.labels[f.key]) || '—';
    if (f.type === 'date') return ui.day(String(v));
    if (f.type === 'money') return ui.number(v, 2);
    return String(v);
  }
  function load() {
    if (!list) return;
    var q = new URLSearchParams();
    if (filters.elements.q.value.trim()) q.set('q', filters.elements.q.value.trim());
    $('l-export').href = '/api/v1/crm/lists/' + encodeURIComponent(list.id) + '/export?' + q.toString();
    q.set('limit', PAGE); q.set('offset', offset);
    api('GET', '/api/v1/crm/lists/' + encodeURIComponent(list.id) + '/records?' + q.toString()).then(function (r) {
      list = r.list; total = r.total;
      $('l-total').textContent = t('crm_found') + ': ' + r.total + (r.total ? ' · ' + (offset + 1) + '–' + (offset + r.records.length) : '');
      var tb = $('l-table');
      tb.textContent = '';
      var tr = el('tr');
      list.fields.forEach(function (f) { tr.appendChild(el('th', '', f.title)); });
      tb.appendChild(tr);
      r.records.forEach(function (rec) {
        var row = el('tr', 'pick');
        list.fields.forEach(function (f) {
          var v = rec.values[f.key];
          if (f.type !== 'file' || !v) { row.appendChild(el('td', f.type === 'money' ? 'num' : '', shown(f, rec))); return; }
          // A file downloads from its record (an attachment, never shown inline).
          var td = el('td'), a = el('a', '', v.name);
          a.href = '/api/v1/crm/lists/' + encodeURIComponent(list.id) + '/records/' + encodeURIComponent(rec.id) + '/files/' + encodeURIComponent(f.key);
          a.addEventListener('click', function (e) { e.stopPropagation(); });
          td.appendChild(a); row.appendChild(td);
        });
        row.addEventListener('click', function () { edit(rec); });
        tb.appendChild(row);
      });
    }).catch(fail);
  }

  // The form: one input per field, by type; a member is found by name,
  // phone or card number, an organisation chosen from the caller's units.
  function memberInput(f, rec) {
    var box = el('div', 'crm-member-pick'), hidden = el('input'), q = el('input'), found = el('ul', 'crm-found'), picked = el('span', 'crm-picked');
    hidden.type = 'hidden'; hidden.name = f.key; hidden.value = (rec && rec.values[f.key]) || '';
    picked.textContent = (rec && rec.labels && rec.labels[f.key]) || '';
    q.type = 'search'; q.placeholder = t('crm_pick_member'); q.autocomplete = 'off'; q.setAttribute('aria-label', f.title);
    var timer = 0, seq = 0;
    q.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var s = q.value.trim(), my = ++seq;
        if (s.length < 2) { found.textContent = ''; return; }
        api('GET', '/api/v1/crm/members?limit=8&q=' + encodeURIComponent(s)).then(function (r) {
          if (my !== seq) return;
          found.textContent = '';
          r.members.forEach(function (m) {
            var li = el('li', 'pick', m.full_name + ' · ' + [m.unit_name, m.card_number].filter(Boolean).join(' · '));
            li.addEventListener('click', function () { hidden.value = m.id; picked.textContent = m.full_name; found.textContent = ''; q.value = ''; });
            found.appendChild(li);
          });
        }).catch(fail);
      }, 250);
    });
    box.appendChild(picked); box.appendChild(q); box.appendChild(hidden); box.appendChild(found);
    return box;
  }
  // A file field uploads at once; the record then names the file by id.
  function fileInput(f, rec) {
    var box = el('div', 'crm-file-pick'), hidden = el('input'), file = el('input'), name = el('span', 'crm-picked'), msg = el('span', 'error');
    var cur = rec && rec.values[f.key];
    hidden.type = 'hidden'; hidden.name = f.key; hidden.value = cur ? cur.id : '';
    name.textContent = cur ? cur.name : '';
    file.type = 'file'; file.setAttribute('aria-label', f.title);
    file.addEventListener('change', function () {
      var fl = file.files[0];
      if (!fl) return;
      msg.textContent = '';
      ui.upload('/api/v1/crm/uploads/lists/' + encodeURIComponent(list.id) + '/' + encodeURIComponent(f.key) + '?name=' + encodeURIComponent(fl.name), fl).then(function (up) { hidden.value = up.id; name.textContent = up.name; })
        .catch(function (e) { msg.textContent = e.message; file.value = ''; });
    });
    [name, file, hidden, msg].forEach(function (e) { box.appendChild(e); });
    return box;
  }
  function fieldInput(f, rec) {
    var v = rec ? rec.values[f.key] : undefined, inp;
    switch (f.type) {
      case 'member': return memberInput(f, rec);
      case 'file': return fileInput(f, rec);
      case 'choice':
        inp = el('select');
        inp.add(new Option('—', ''));
        (f.choices || []).forEach(function (c) { inp.add(new Option(c, c)); });
        break;
      case 'organisation':
        inp = el('select');
        inp.add(new Option('—', ''));
        (units || []).forEach(function (u) { inp.add(new Option(u.name, u.id)); });
        break;
      case 'date': inp = el('input'); inp.type = 'date'; break;
      case 'year': inp = el('input'); inp.type = 'number'; inp.min = 1900; inp.max = 2100; break;
      case 'number': case 'money': inp = el('input'); inp.inputMode = 'decimal'; break;
      default:
        inp = el(String(v || '').length > 80 ? 'textarea' : 'input');
        inp.maxLength = 5000;
    }
    inp.name = f.key;
    if (f.required) inp.required = true;
    if (v !== undefined && v !== null) inp.value = String(v);
    return inp;
  }
  function openForm(rec) {
    editing = rec;
    $('l-form-title').textContent = rec ? t('crm_edit_record') : t('crm_add_record');
    $('l-form-error').textContent = '';
    var box = $('l-fields');
    box.textContent = '';
    list.fields.forEach(function (f) {
      var lab = el('label', f.type === 'text' ? 'wide' : '', f.title + (f.required ? ' *' : ''));
      lab.appendChild(fieldInput(f, rec));
      box.appendChild(lab);
    });
    form.hidden = false;
    form.scrollIntoView({ block: 'nearest' });
  }
  function edit(rec) { openForm(rec); }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var values = {};
    list.fields.forEach(function (f) {
      var v = form.elements[f.key].value.trim();
      if (v !== '') values[f.key] = v;
    });
    var req = editing ? api('PATCH', '/api/v1/crm/lists/' + encodeURIComponent(list.id) + '/records/' + encodeURIComponent(editing.id), { values: values })
      : api('POST', '/api/v1/crm/lists/' + encodeURIComponent(list.id) + '/records', { values: values });
    var added = !editing;
    req.then(function () { form.hidden = true; editing = null; if (added) offset = 0; load(); })
      .catch(ui.fail($('l-form-error')));
  });
  $('l-cancel').addEventListener('click', function () { form.hidden = true; editing = null; });
  $('l-add').addEventListener('click', function () { if (list) openForm(null); });

  // Import: the file itself is the body; the report lists every row that
  // went wrong, by its line in the file.
  $('l-import').addEventListener('change', function () {
    var file = $('l-import').files[0];
    if (!file || !list) return;
    var format = /\.csv$/i.test(file.name) ? 'csv' : 'xlsx';
    $('l-error').textContent = '';
    ui.upload('/api/v1/crm/lists/' + encodeURIComponent(list.id) + '/import?format=' + format, file, 'application/octet-stream').then(function (rep) {
      var box = $('l-report');
      box.hidden = false;
      box.textContent = '';
      box.appendChild(el('p', '', t('crm_import_done') + ': ' + t('crm_created_n') + ' ' + rep.created + ', ' +
        t('crm_updated_n') + ' ' + rep.updated + ', ' + t('crm_errors_n') + ' ' + rep.errors));
      var ul = el('ul');
      (rep.rows || []).filter(function (r) { return r.result === 'error'; }).forEach(function (r) {
        ul.appendChild(el('li', 'error', t('crm_row') + ' ' + r.row + (r.field ? ' · ' + r.field : '') + ': ' + r.message));
      });
      box.appendChild(ul);
      offset = 0; load();
    }).catch(fail).finally(function () { $('l-import').value = ''; });
  });

  $('l-awards').addEventListener('click', function () {
    api('POST', '/api/v1/crm/lists', { template: 'awards' }).then(function () { return start(); }).catch(fail);
  });
  filters.addEventListener('submit', function (e) { e.preventDefault(); offset = 0; load(); });
  filters.elements.list.addEventListener('change', function () {
    list = lists[filters.elements.list.value]; offset = 0; form.hidden = true; $('l-report').hidden = true; load();
  });
  $('l-prev').addEventListener('click', function () { if (offset > 0) { offset = Math.max(0, offset - PAGE); load(); } });
  $('l-next').addEventListener('click', function () { if (offset + PAGE < total) { offset += PAGE; load(); } });

  var me = null;
  function start() {
    return api('GET', '/api/v1/crm/lists').then(function (r) {
      var sel = filters.elements.list;
      sel.textContent = '';
      lists = {};
      r.lists.forEach(function (l) { lists[l.id] = l; sel.add(new Option(l.name + (l.unit_name ? ' · ' + l.unit_name : ''), l.id)); });
      var has = r.lists.length > 0;
      ['l-add', 'l-export', 'l-import-label'].forEach(function (id) { if ($(id)) $(id).hidden = !has; });
      $('l-awards').hidden = has || !me || me.user.role !== 'administrator';
      if (!has) { $('l-total').textContent = t('crm_no_lists'); $('l-table').textContent = ''; return; }
      var want = new URLSearchParams(location.search).get('id');
      list = lists[want] || r.lists[0];
      sel.value = list.id;
      load();
    });
  }
  ui.me().then(function (r) {
    me = r;
    if (r.user.role === 'executor') ['l-add', 'l-import-label'].forEach(function (id) { $(id).remove(); });
    return api('GET', '/api/v1/units');
  }).then(function (r) { units = r.units; return start(); }).catch(fail);
})();
