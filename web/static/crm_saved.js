// Saved member filters on the members page: the select of the filter form
// lists the caller's own filters and the ones shared with their unit;
// picking one fills the form's fields from it and runs it (by filter_id,
// so criteria the form has no field for still apply); changing a field
// leaves the saved filter. The current fields are saved under a name,
// optionally shown to the owner's unit and the units below it; the owner
// renames, shares or deletes their own. Text only, never HTML.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, api = ui.api;

  // fill sets the filter form's fields from a saved filter's query string
  // ('' clears them).
  function fill(form, query) {
    var q = new URLSearchParams(query);
    var custom = '';
    q.forEach(function (v, k) { if (k.indexOf('custom.') === 0) custom = k.slice(7) + '=' + v; });
    Array.prototype.forEach.call(form.elements, function (e) {
      if (!e.name || e.name === 'filter_id') return;
      if (e.type === 'checkbox') { e.checked = q.get(e.name) === e.value; return; }
      e.value = e.name === 'custom' ? custom : (q.get(e.name) || '');
    });
  }

  // ui.savedFilters wires the controls; apply() runs the form's filter,
  // query() gives it as the list's query string.
  ui.savedFilters = function (form, apply, query) {
    var sel = form.elements.filter_id, box = document.getElementById('sf-form'), msg = document.getElementById('sf-msg');
    var renameBtn = document.getElementById('sf-rename'), deleteBtn = document.getElementById('sf-delete');
    var filters = {}, editing = null;
    var say = function (text) { msg.hidden = false; msg.setAttribute('role', 'status'); msg.textContent = text; };
    var fail = function (e) { ui.showError(msg, e); };

    function current() { return filters[sel.value] || null; }
    function showActions() {
      var f = current();
      renameBtn.hidden = deleteBtn.hidden = !(f && f.mine);
    }
    // load lists the filters and keeps id (or the selection) picked.
    function load(id) {
      return api('GET', '/api/v1/crm/filters').then(function (r) {
        var keep = id === undefined ? sel.value : id;
        while (sel.options.length > 1) sel.remove(1);
        filters = {};
        r.filters.forEach(function (f) {
          filters[f.id] = f;
          sel.add(new Option(f.name + (f.shared ? ' · ' + t('crm_sf_shared_mark') : ''), f.id));
        });
        sel.value = filters[keep] ? keep : '';
        showActions();
      });
    }
    function close() { box.hidden = true; editing = null; }

    sel.addEventListener('change', function () {
      var f = current();
      fill(form, f ? f.query : '');
      close();
      showActions();
      apply();
    });
    // A field changed by hand is a new filter, no longer the saved one.
    var leave = function (e) {
      if (e.target === sel || !e.target.name || !sel.value) return;
      sel.value = '';
      showActions();
    };
    form.addEventListener('input', leave);
    form.addEventListener('change', leave);

    document.getElementById('sf-save').addEventListener('click', function () {
      editing = null;
      box.reset();
      box.hidden = false;
      box.elements.name.focus();
    });
    renameBtn.addEventListener('click', function () {
      var f = current();
      if (!f) return;
      editing = f.id;
      box.elements.name.value = f.name;
      box.elements.shared.checked = f.shared;
      box.hidden = false;
      box.elements.name.focus();
    });
    document.getElementById('sf-cancel').addEventListener('click', close);
    box.addEventListener('submit', function (e) {
      e.preventDefault();
      var name = box.elements.name.value, shared = box.elements.shared.checked;
      var done = editing ?
        api('PATCH', '/api/v1/crm/filters/' + encodeURIComponent(editing), { name: name, shared: shared })
          .then(function (f) { return load(f.id).then(function () { say(t('crm_sf_renamed')); }); }) :
        api('POST', '/api/v1/crm/filters', { name: name, shared: shared, query: query().toString() })
          .then(function (f) { return load(f.id).then(function () { say(t('crm_sf_saved')); }); });
      done.then(close).catch(fail);
    });
    deleteBtn.addEventListener('click', function () {
      var f = current();
      if (!f || !window.confirm(t('crm_sf_delete_confirm'))) return;
      api('DELETE', '/api/v1/crm/filters/' + encodeURIComponent(f.id))
        .then(function () { return load(''); })
        .then(function () { close(); say(t('crm_sf_deleted')); })
        .catch(fail);
    });
    return load();
  };
})();
