// The console's saved views: every part of the list's filter (the tab,
// the line, the channel, the labels, the words, the search's own filters,
// a conversation field) kept under a name, the user's own or shared with
// their unit, listed with their counts. A view whose line or label is gone
// opens without it and says what is missing. Text is inserted as text.
(function () {
  'use strict';
  var ui = window.profhub, con = ui.console;
  if (!con) return;
  var t = ui.t, api = ui.api, fail = ui.fail();
  var state = con.state, views = {}, max = 30;
  function $(id) { return document.getElementById(id); }

  // the parts of the filter and the controls that hold them
  var controls = { q: 'search', line_id: 'line-filter', channel: 'channel-filter', label_id: 'label-filter',
    contact_label_id: 'contact-label-filter', text: 'text-search', status: 'status-filter', operator_id: 'operator-filter',
    from: 'from-filter', to: 'to-filter', sort: 'sort-filter', custom_key: 'field-filter', custom_value: 'field-value' };

  function current() {
    var f = { tab: state.filter };
    Object.keys(controls).forEach(function (k) {
      var v = $(controls[k]).value.trim();
      if (v) f[k] = v;
    });
    if (!f.text) ['status', 'operator_id', 'from', 'to', 'sort'].forEach(function (k) { delete f[k]; });
    if (!f.custom_key || !f.custom_value) { delete f.custom_key; delete f.custom_value; }
    return f;
  }

  function apply(f) {
    Object.keys(controls).forEach(function (k) {
      var c = $(controls[k]);
      c.value = f[k] || (k === 'sort' ? 'recent' : '');
    });
    if (f.text) $('search-more').open = true;
    var tab = document.querySelector('.tabs button[data-filter="' + (f.tab || 'mine') + '"]');
    if (tab) tab.click(); else con.reload(); // the tab's click loads the list
  }

  function missingText(v) {
    if (!v.missing || !v.missing.length) return '';
    return t('view_missing') + ' ' + v.missing.map(function (m) {
      return t('view_gone_' + m.kind) + (m.name ? ' «' + m.name + '»' : '');
    }).join(', ') + '. ' + t('view_opened_without');
  }

  function load(keep) {
    return api('GET', '/api/v1/inbox/views').then(function (r) {
      max = r.max || max;
      views = {};
      var sel = $('view-pick');
      sel.length = 1;
      r.views.forEach(function (v) {
        views[v.id] = v;
        var name = v.name + ' (' + (v.count >= 500 ? '500+' : v.count) + ')' + (v.shared ? ' · ' + t(v.mine ? 'view_shared_mine' : 'view_shared_other') : '');
        sel.add(new Option(name, v.id));
      });
      sel.value = keep && views[keep] ? keep : '';
      $('view-delete').hidden = !sel.value || !views[sel.value].mine;
    });
  }

  $('view-pick').addEventListener('change', function () {
    var id = $('view-pick').value;
    $('view-delete').hidden = true;
    $('view-missing').hidden = true;
    if (!id) return;
    api('GET', '/api/v1/inbox/views/' + encodeURIComponent(id)).then(function (v) {
      views[id] = v;
      apply(v.filter);
      $('view-delete').hidden = !v.mine;
      var m = missingText(v);
      $('view-missing').textContent = m;
      $('view-missing').hidden = !m;
    }).catch(fail);
  });

  $('view-save').addEventListener('click', function () {
    var f = $('view-form');
    f.reset();
    $('view-error').textContent = '';
    var mine = Object.keys(views).filter(function (id) { return views[id].mine; }).length;
    if (mine >= max) $('view-error').textContent = t('view_limit') + ' (' + max + ')';
    $('view-dialog').showModal();
    f.elements.name.focus();
  });
  $('view-create').addEventListener('click', function () {
    var f = $('view-form'), b = $('view-create');
    b.disabled = true;
    api('POST', '/api/v1/inbox/views', { name: f.elements.name.value, shared: f.elements.shared.checked, filter: current() }).then(function (v) {
      $('view-dialog').close();
      $('view-missing').hidden = true;
      return load(v.id);
    }).catch(function (e) { $('view-error').textContent = e.message; }).finally(function () { b.disabled = false; });
  });
  $('view-delete').addEventListener('click', function () {
    var id = $('view-pick').value;
    if (!id || !window.confirm(t('view_delete_confirm') + ' «' + views[id].name + '»?')) return;
    api('DELETE', '/api/v1/inbox/views/' + encodeURIComponent(id)).then(function () {
      $('view-missing').hidden = true;
      return load('');
    }).catch(fail);
  });
  // A filter changed by hand leaves the view (setting a value from a view
  // fires no change event).
  Object.keys(controls).forEach(function (k) {
    $(controls[k]).addEventListener('change', function () {
      $('view-pick').value = '';
      $('view-delete').hidden = $('view-missing').hidden = true;
    });
  });

  ui.ready().then(function () { return load(''); }).catch(fail);
})();
