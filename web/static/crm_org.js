// An organisation's card (/organisations/{unit}): what the CRM knows of the
// unit (its custom fields too), the members of its subtree with a link to
// them, the form that edits the description with the server's message
// beside the field it names, archive and restore, and the history of
// changes (GET and PATCH /api/v1/crm/organisations/{unit}, crm_card.js).
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('org-page')) return;
  var id = decodeURIComponent(location.pathname.split('/').pop());
  var path = '/api/v1/crm/organisations/' + encodeURIComponent(id);
  var form = document.getElementById('org-form');
  var FIELDS = ['full_name', 'short_name', 'industry', 'employer', 'address', 'chairman', 'phone', 'email', 'notes'];
  var LABELS = { full_name: 'crm_full_name', short_name: 'crm_short_name', industry: 'crm_industry', employer: 'crm_employer',
    address: 'crm_address', chairman: 'crm_chairman', phone: 'crm_phone', email: 'crm_email', notes: 'crm_notes' };
  var canEdit = false, fields = [], readCustom = function () { return {}; }, current = null;

  function show(o) {
    current = o;
    document.getElementById('org-card').hidden = false;
    var title = document.getElementById('org-title');
    title.textContent = o.unit_name;
    if (o.archived_at) title.appendChild(el('span', 'badge archived', ' ' + t('crm_archived_badge')));
    document.title = o.unit_name + ' · profhub';
    var dl = document.getElementById('org-fields');
    dl.textContent = '';
    var add = function (k, v) { if (!v) return; dl.appendChild(el('dt', '', k)); dl.appendChild(el('dd', '', v)); };
    add(t('crm_unit_kind'), t('kind.' + o.kind));
    FIELDS.forEach(function (f) { add(t(LABELS[f]), o[f]); });
    fields.forEach(function (f) { add(f.label, ui.customText(f, o.custom[f.key])); });
    document.getElementById('org-count').textContent = t('crm_org_members') + ': ' + o.members;
    document.getElementById('org-members').href = '/members?unit_id=' + encodeURIComponent(o.unit_id);
    FIELDS.forEach(function (f) { form.elements[f].value = o[f] || ''; });
    var box = document.getElementById('org-custom');
    box.textContent = '';
    if (fields.length) box.appendChild(el('h3', 'wide', t('crm_custom_fields')));
    readCustom = ui.customInputs(box, fields, o.custom);
    document.getElementById('org-actions').hidden = !canEdit;
    document.getElementById('org-archive').textContent = o.archived_at ? t('crm_restore') : t('crm_archive');
    ui.cardHistory(document.getElementById('org-history'), path, 'organisation');
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = {}, msg = document.getElementById('org-msg');
    FIELDS.forEach(function (f) { body[f] = form.elements[f].value; });
    body.custom = readCustom();
    msg.textContent = '';
    ui.showFieldError(form, null);
    form.querySelector('.form-error').textContent = '';
    api('PATCH', path, body).then(function (o) {
      show(o); msg.textContent = t('crm_saved');
    }).catch(function (err) { ui.showFieldError(form, err); });
  });
  document.getElementById('org-archive').addEventListener('click', function () {
    var b = this, msg = document.getElementById('org-archive-msg');
    if (!current.archived_at && !window.confirm(t('crm_archive_org_confirm'))) return;
    b.disabled = true;
    msg.textContent = '';
    api('POST', path + (current.archived_at ? '/restore' : '/archive')).then(function (o) {
      b.disabled = false; show(o);
    }).catch(function (err) { b.disabled = false; msg.textContent = err.message; });
  });
  ui.me().then(function (me) {
    // Executors only read; the server refuses their edits anyway.
    canEdit = !!(me.user && me.user.role !== 'executor');
    if (!canEdit) document.getElementById('org-edit').hidden = true;
    return Promise.all([api('GET', path), ui.customFields('organisation', id)]);
  }).then(function (rs) { fields = rs[1]; show(rs[0]); }).catch(ui.fail(document.getElementById('org-error')));
})();
