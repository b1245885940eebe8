// The administrator's page of typed custom fields (/admin/custom-fields):
// the fields of each entity with their type, required flag and scope;
// the form that adds or edits one (its entity, key and type are fixed
// once it exists), and retiring a field or bringing it back. The server
// checks everything; its message appears beside the field it names.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('fields-page')) return;
  var entity = document.getElementById('cf-entity'), form = document.getElementById('cf-form');
  var table = document.getElementById('cf-table'), editing = null;

  function load() {
    ui.customFields(entity.value).then(function (fields) {
      table.textContent = '';
      var tr = el('tr');
      [t('cf_label'), t('cf_key'), t('cf_kind'), t('cf_required'), t('cf_scope'), t('cf_state'), ''].forEach(function (c) { tr.appendChild(el('th', '', c)); });
      table.appendChild(tr);
      if (!fields.length) {
        var empty = el('tr'), td = el('td', 'muted', t('cf_none'));
        td.colSpan = 7; empty.appendChild(td); table.appendChild(empty);
      }
      fields.forEach(function (f) {
        var row = el('tr', f.retired ? 'muted retired' : '');
        row.dataset.key = f.key;
        row.appendChild(el('td', '', f.label));
        row.appendChild(el('td', 'muted', f.key));
        row.appendChild(el('td', '', t('cf_kind_' + f.kind) + (f.kind === 'choice' ? ': ' + f.choices.join(', ') : '')));
        row.appendChild(el('td', '', f.required ? t('crm_yes') : ''));
        row.appendChild(el('td', '', f.unit_id ? f.unit_name : t('cf_scope_all')));
        row.appendChild(el('td', '', f.retired ? t('cf_retired') : t('cf_active')));
        var td = el('td'), acts = el('div', 'row-actions');
        var edit = el('button', '', t('crm_edit'));
        edit.type = 'button';
        edit.addEventListener('click', function () { open(f); });
        var retire = el('button', '', f.retired ? t('cf_restore') : t('cf_retire'));
        retire.type = 'button';
        retire.addEventListener('click', function () {
          retire.disabled = true;
          api('POST', '/api/v1/crm/custom-fields/' + encodeURIComponent(f.id) + (f.retired ? '/restore' : '/retire')).then(load)
            .catch(ui.fail(document.getElementById('cf-error')));
        });
        acts.appendChild(edit); acts.appendChild(retire); td.appendChild(acts);
        row.appendChild(td);
        table.appendChild(row);
      });
    }).catch(ui.fail(document.getElementById('cf-error')));
  }

  function open(f) {
    editing = f;
    form.hidden = false;
    ui.showFieldError(form, null);
    form.querySelector('.form-error').textContent = '';
    document.getElementById('cf-form-title').textContent = f ? f.label : t('cf_new') + ' · ' + entity.options[entity.selectedIndex].text;
    var e = form.elements;
    e.label.value = f ? f.label : '';
    e.kind.value = f ? f.kind : 'text';
    e.kind.disabled = !!f; e.key.disabled = !!f;
    e.key.value = f ? f.key : '';
    e.unit_id.value = f ? f.unit_id : '';
    e.order.value = f ? f.order : 0;
    e.required.checked = !!(f && f.required);
    e.choices.value = f ? f.choices.join('\n') : '';
    choices();
    e.label.focus();
  }
  function choices() { document.getElementById('cf-choices').hidden = form.elements.kind.value !== 'choice'; }
  form.elements.kind.addEventListener('change', choices);
  document.getElementById('cf-add').addEventListener('click', function () { open(null); });
  document.getElementById('cf-cancel').addEventListener('click', function () { form.hidden = true; });
  entity.addEventListener('change', function () { form.hidden = true; load(); });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var e = form.elements;
    var body = { label: e.label.value, unit_id: e.unit_id.value, order: parseInt(e.order.value, 10) || 0, required: e.required.checked,
      choices: e.choices.value.split('\n').map(function (s) { return s.trim(); }).filter(Boolean) };
    var req;
    if (editing) req = api('PATCH', '/api/v1/crm/custom-fields/' + encodeURIComponent(editing.id), body);
    else {
      body.entity = entity.value; body.kind = e.kind.value; body.key = e.key.value;
      req = api('POST', '/api/v1/crm/custom-fields', body);
    }
    ui.showFieldError(form, null);
    req.then(function () { form.hidden = true; load(); }).catch(function (err) { ui.showFieldError(form, err); });
  });
  ui.me().then(function () { return api('GET', '/api/v1/units'); }).then(function (r) {
    r.units.forEach(function (u) { form.elements.unit_id.add(new Option(u.name, u.id)); });
    load();
  }).catch(ui.fail(document.getElementById('cf-error')));
})();
