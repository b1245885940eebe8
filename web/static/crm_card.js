// The parts of a card that the member and organisation pages share: the
// typed custom fields (inputs by type, values as people read them), the
// placing of the server's validation message beside its field, and the
// card's history of changes with the people by full name. Everything is
// built as text, never as HTML. Loaded before crm.js and crm_org.js.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;

  // Custom field definitions of an entity: those that apply to a unit's
  // cards (for the forms), or all of them with the retired ones (to name
  // the fields of old history lines).
  ui.customFields = function (entity, unitID) {
    var q = new URLSearchParams({ entity: entity });
    if (unitID) q.set('unit_id', unitID); else q.set('retired', 'true');
    return api('GET', '/api/v1/crm/custom-fields?' + q.toString()).then(function (r) { return r.fields; });
  };

  // customText is a stored value as people read it.
  ui.customText = function (f, v) {
    if (v === undefined || v === null || v === '') return '';
    if (f.kind === 'bool') return v ? t('crm_yes') : t('crm_no');
    if (f.kind === 'date') return ui.day(v);
    if (f.kind === 'number' && typeof v === 'number') return ui.number(v);
    return String(v);
  };

  // customInputs adds to form a labelled input per field, of its type,
  // filled from values; it returns a function that reads them back into
  // an object for the API (an emptied field is sent as null, which
  // removes it).
  ui.customInputs = function (form, fields, values) {
    values = values || {};
    var read = [];
    fields.forEach(function (f) {
      var label = field(f.label + (f.required ? ' *' : ''), 'custom.' + f.key);
      var input, v = values[f.key];
      if (f.kind === 'bool') {
        input = el('select');
        [['', '—'], ['true', t('crm_yes')], ['false', t('crm_no')]].forEach(function (o) { input.add(new Option(o[1], o[0])); });
        input.value = v === true ? 'true' : v === false ? 'false' : '';
        read.push(function (out) { out[f.key] = input.value === '' ? null : input.value === 'true'; });
      } else if (f.kind === 'choice') {
        input = el('select');
        input.add(new Option('—', ''));
        f.choices.forEach(function (c) { input.add(new Option(c, c)); });
        if (v && f.choices.indexOf(v) < 0) input.add(new Option(v, v)); // kept from before a choice was removed
        input.value = v || '';
        read.push(function (out) { out[f.key] = input.value || null; });
      } else {
        input = el('input');
        if (f.kind === 'date') input.type = 'date';
        if (f.kind === 'number') { input.inputMode = 'decimal'; v = typeof v === 'number' ? ui.number(v).replace(/\s/g, '') : v; }
        if (f.kind === 'text') input.maxLength = 1000;
        input.value = v === undefined || v === null ? '' : String(v);
        read.push(function (out) { out[f.key] = input.value.trim() === '' ? null : input.value; });
      }
      input.name = 'custom.' + f.key;
      if (f.required) input.setAttribute('aria-required', 'true');
      label.insertBefore(input, label.lastChild);
      form.appendChild(label);
    });
    return function () { var out = {}; read.forEach(function (r) { r(out); }); return out; };
  };

  // field is a form's label for a field named as the server names it
  // (data-field), with a place for its error below the input.
  function field(text, name, wide) {
    var l = el('label', wide ? 'wide' : '', text);
    l.dataset.field = name;
    var e = el('span', 'field-error');
    e.setAttribute('role', 'alert');
    l.appendChild(e);
    return l;
  }
  ui.cardField = field;

  // showFieldError clears form's errors and puts err's message beside the
  // field it names, or in general (the form's .form-error) otherwise.
  ui.showFieldError = function (form, err) {
    Array.prototype.forEach.call(form.querySelectorAll('.field-error'), function (e) { e.textContent = ''; });
    Array.prototype.forEach.call(form.querySelectorAll('.invalid'), function (e) { e.classList.remove('invalid'); });
    if (!err) return;
    var name = err.body && err.body.error && err.body.error.field;
    var box = name && form.querySelector('[data-field="' + CSS.escape(name) + '"]');
    if (!box && name && name.indexOf('consents') === 0) box = form.querySelector('[data-field="consents"]');
    if (box) {
      box.classList.add('invalid');
      box.querySelector('.field-error').textContent = err.message;
      var input = box.querySelector('input,select,textarea');
      if (input) input.focus();
      return;
    }
    var general = form.querySelector('.form-error');
    if (general) general.textContent = err.message;
  };

  // The names of a member's and an organisation's fields in history lines.
  var LABELS = { surname: 'crm_surname', given_name: 'crm_given_name', patronymic: 'crm_patronymic', birth_date: 'crm_birth',
    sex: 'crm_sex', unit_id: 'crm_unit', phones: 'crm_phones', emails: 'crm_emails', workplace: 'crm_workplace',
    position: 'crm_position', industry: 'crm_industry', status: 'crm_status', joined_on: 'crm_joined', left_on: 'crm_left_on',
    left_reason: 'crm_left_reason', card_number: 'crm_card_no', discount_card: 'crm_discount', activist: 'crm_activist',
    flags: 'crm_flags', consents: 'crm_consents', kind: 'crm_kind', full_name: 'crm_full_name', short_name: 'crm_short_name',
    employer: 'crm_employer', address: 'crm_address', chairman: 'crm_chairman', phone: 'crm_phone', email: 'crm_email',
    notes: 'crm_notes', custom: 'crm_custom_fields' };
  ui.fieldLabel = function (name, fields) {
    if (name.indexOf('custom.') === 0) {
      var key = name.slice(7), f = (fields || []).filter(function (x) { return x.key === key; })[0];
      return '«' + (f ? f.label : key) + '»';
    }
    if (name.indexOf('consents') === 0) return t('crm_consents');
    return LABELS[name] ? t(LABELS[name]).toLowerCase() : name;
  };

  // history fills box with a card's history: when, who (full name), what.
  ui.cardHistory = function (box, path, entity) {
    box.textContent = '';
    box.appendChild(el('h3', '', t('crm_changes')));
    var ol = el('ol', 'timeline card-history');
    box.appendChild(ol);
    return Promise.all([api('GET', path + '/history'), ui.customFields(entity).catch(function () { return []; })]).then(function (rs) {
      var events = rs[0].events, fields = rs[1];
      if (!events.length) ol.appendChild(el('li', 'muted', t('crm_nothing')));
      events.slice().reverse().forEach(function (e) {
        var li = el('li', 'change');
        li.appendChild(el('div', 'muted', ui.dateTime(e.at) + ' · ' + e.actor_name));
        var what = t('crm_act_' + e.action);
        var seen = {}, names = (e.changed || []).map(function (n) { return ui.fieldLabel(n, fields); }).filter(function (n) {
          if (seen[n]) return false; seen[n] = true; return true;
        });
        if (names.length) what += ': ' + names.join(', ');
        if (e.note) what += ' (' + e.note + ')';
        if (e.from) li.classList.add('merged-from');
        if (e.from) what += ' · ' + t('crm_hist_from') + ' ' + e.from;
        li.appendChild(el('div', '', what));
        ol.appendChild(li);
      });
    }).catch(function (err) { ol.appendChild(el('li', 'error', err.message)); });
  };
})();
