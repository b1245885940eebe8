// The form on /appeals for an appeal filed by hand — a phone call, a letter,
// a visit: the member is found by name, phone or card number (or the
// applicant named in free text for someone without a card), and the new
// appeal opens in the list.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var f = document.getElementById('a-new-form');
  if (!f) return;
  var found = document.getElementById('a-new-found'), picked = document.getElementById('a-new-member');
  var err = document.getElementById('a-new-error');
  var unitsLoaded = false, timer = 0, seq = 0, pickedUnit = '';

  // The appeal custom fields of the chosen organisation (or the member's),
  // read again when it changes; the federation's own before either is known.
  var customBox = document.getElementById('a-new-custom'), readCustom = function () { return {}; };
  function loadCustom() {
    var unit = f.elements.unit_id.value || pickedUnit, kept = readCustom();
    ui.customFields('appeal', unit).then(function (fields) {
      if (!unit) fields = fields.filter(function (x) { return !x.retired && !x.unit_id; });
      customBox.textContent = '';
      readCustom = ui.customInputs(customBox, fields, kept);
    }).catch(ui.fail(err));
  }
  f.elements.unit_id.addEventListener('change', loadCustom);

  function pick(m) {
    f.elements.member_id.value = m ? m.id : '';
    if (pickedUnit !== (m ? m.unit_id : '')) { pickedUnit = m ? m.unit_id : ''; loadCustom(); }
    found.textContent = '';
    err.textContent = '';
    picked.hidden = !m;
    picked.textContent = '';
    if (!m) return;
    picked.appendChild(el('b', '', m.full_name));
    picked.appendChild(el('span', 'muted', ' · ' + [m.unit_name, m.card_number, (m.phones || []).join(', ')].filter(Boolean).join(' · ') + ' '));
    var x = el('button', '', '×');
    x.type = 'button';
    x.setAttribute('aria-label', t('cancel'));
    x.addEventListener('click', function () { pick(null); });
    picked.appendChild(x);
  }
  function search() {
    var q = f.elements.member_q.value.trim(), my = ++seq;
    if (q.length < 2) { found.textContent = ''; return; }
    api('GET', '/api/v1/crm/members?limit=8&q=' + encodeURIComponent(q)).then(function (r) {
      if (my !== seq) return; // a later keystroke answered first
      found.textContent = '';
      if (!r.members.length) found.appendChild(el('li', 'muted', t('crm_nothing')));
      r.members.forEach(function (m) {
        var li = el('li', 'pick', m.full_name);
        li.appendChild(el('span', 'muted', ' · ' + [m.unit_name, m.card_number].filter(Boolean).join(' · ')));
        li.tabIndex = 0;
        li.addEventListener('click', function () { pick(m); f.elements.member_q.value = ''; });
        li.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); li.click(); } });
        found.appendChild(li);
      });
    }).catch(ui.fail(err));
  }
  f.elements.member_q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(search, 250); });
  f.elements.member_q.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); search(); } });

  document.getElementById('a-new').addEventListener('click', function () {
    f.hidden = false;
    err.textContent = '';
    if (!unitsLoaded) {
      unitsLoaded = true;
      // Categories offered, and the due date only to who may set it.
      ui.appealCategories().then(function (r) {
        r.categories.forEach(function (c) { if (!c.disabled) f.elements.category_id.add(new Option(c.name, c.id)); });
        document.getElementById('a-new-due').hidden = !r.can_set_due;
      }).catch(ui.fail(err));
      api('GET', '/api/v1/units').then(function (r) {
        r.units.forEach(function (u) { f.elements.unit_id.add(new Option(u.name, u.id)); });
      }).catch(function (e) { unitsLoaded = false; err.textContent = e.message; });
    }
    loadCustom();
    f.elements.member_q.focus();
  });
  document.getElementById('a-new-cancel').addEventListener('click', function () { f.reset(); pick(null); f.hidden = true; });
  f.addEventListener('submit', function (e) {
    e.preventDefault();
    err.textContent = '';
    var body = { channel: f.elements.channel.value, priority: Number(f.elements.priority.value) };
    ['member_id', 'applicant', 'unit_id', 'category_id', 'topic', 'subject', 'text', 'due_on'].forEach(function (k) {
      var v = f.elements[k].value.trim();
      if (v) body[k] = v;
    });
    if (!body.member_id && !body.applicant) { err.textContent = t('crm_need_applicant'); return; }
    if (!body.member_id && !body.unit_id) { err.textContent = t('crm_need_unit'); return; }
    body.custom = readCustom();
    ui.showFieldError(f, null);
    api('POST', '/api/v1/crm/appeals', body).then(function (a) {
      f.reset(); pick(null); f.hidden = true;
      customBox.textContent = ''; readCustom = function () { return {}; };
      // The list and its card (crm.js) reload through the page's address.
      document.dispatchEvent(new CustomEvent('profhub:appeal', { detail: a }));
    }).catch(function (e) { ui.showFieldError(f, e); });
  });
})();
