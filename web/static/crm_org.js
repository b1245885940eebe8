// An organisation's card (/organisations/{unit}): what the CRM knows of the
// unit, the members of its subtree with a link to them, and the form that
// edits the description (GET and PATCH /api/v1/crm/organisations/{unit}).
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('org-page')) return;
  var id = decodeURIComponent(location.pathname.split('/').pop());
  var form = document.getElementById('org-form');
  var FIELDS = ['full_name', 'short_name', 'industry', 'employer', 'address', 'chairman', 'phone', 'email', 'notes'];
  var LABELS = { full_name: 'crm_full_name', short_name: 'crm_short_name', industry: 'crm_industry', employer: 'crm_employer',
    address: 'crm_address', chairman: 'crm_chairman', phone: 'crm_phone', email: 'crm_email', notes: 'crm_notes' };

  function show(o) {
    document.getElementById('org-card').hidden = false;
    document.getElementById('org-title').textContent = o.unit_name;
    document.title = o.unit_name + ' · profhub';
    var dl = document.getElementById('org-fields');
    dl.textContent = '';
    var add = function (k, v) { if (!v) return; dl.appendChild(el('dt', '', k)); dl.appendChild(el('dd', '', v)); };
    add(t('crm_unit_kind'), t('kind.' + o.kind));
    FIELDS.forEach(function (f) { add(t(LABELS[f]), o[f]); });
    document.getElementById('org-count').textContent = t('crm_org_members') + ': ' + o.members;
    document.getElementById('org-members').href = '/members?unit_id=' + encodeURIComponent(o.unit_id);
    FIELDS.forEach(function (f) { form.elements[f].value = o[f] || ''; });
  }
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = {}, msg = document.getElementById('org-msg');
    FIELDS.forEach(function (f) { body[f] = form.elements[f].value; });
    msg.textContent = '';
    api('PATCH', '/api/v1/crm/organisations/' + encodeURIComponent(id), body).then(function (o) {
      show(o); msg.textContent = t('crm_saved');
    }).catch(ui.fail(msg));
  });
  ui.me().then(function (me) {
    // Executors only read; the server refuses their edits anyway.
    if (me.user && me.user.role === 'executor') document.getElementById('org-edit').hidden = true;
    return api('GET', '/api/v1/crm/organisations/' + encodeURIComponent(id));
  }).then(show).catch(ui.fail(document.getElementById('org-error')));
})();
