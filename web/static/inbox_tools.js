// The console's labels, macros, snooze and bulk actions, over the hooks
// inbox.js offers (ui.console): chips and a checkbox on each list item,
// label chips, a macro and a snooze menu in the conversation's head, and
// the bar that acts on the chosen conversations at once. Text is always
// inserted as text, never as HTML.
(function () {
  'use strict';
  var ui = window.profhub, con = ui.console;
  if (!con) return;
  var t = ui.t, el = ui.el, api = ui.api, fail = ui.fail();
  var state = con.state, labels = {}, macros = [], chosen = {};
  function $(id) { return document.getElementById(id); }

  function chip(l, cls) {
    var c = el('span', 'label-chip' + (cls ? ' ' + cls : ''), l.name);
    c.style.setProperty('--label', l.color);
    return c;
  }

  // --- the list -------------------------------------------------------------
  con.hooks.item = function (li, c) {
    var box = el('input', 'bulk-check');
    box.type = 'checkbox';
    box.checked = !!chosen[c.id];
    box.setAttribute('aria-label', t('bulk_choose') + ': ' + c.contact_name);
    box.addEventListener('click', function (e) {
      e.stopPropagation();
      if (box.checked) chosen[c.id] = true; else delete chosen[c.id];
      bulkBar();
    });
    li.querySelector('.conv-top').prepend(box);
    var ls = (c.labels || []).filter(function (id) { return labels[id]; });
    var cls = (c.contact_labels || []).filter(function (id) { return labels[id]; });
    if (ls.length || cls.length) {
      var row = el('div', 'conv-labels');
      ls.forEach(function (id) { row.appendChild(chip(labels[id])); });
      // the contact's labels, marked apart: they follow the person
      cls.forEach(function (id) {
        var ch = chip(labels[id], 'contact');
        ch.title = t('contact_label') + ': ' + labels[id].name;
        row.appendChild(ch);
      });
      li.appendChild(row);
    }
    if (c.snoozed_until && c.status !== 'closed') li.querySelector('.conv-sub').textContent += ' · ' + snoozeText(c);
  };
  function snoozeText(c) {
    return c.snoozed_until >= 1e15 ? t('snoozed_reply') : t('snoozed_until') + ' ' + ui.dateTime(c.snoozed_until);
  }

  // --- the conversation's head --------------------------------------------
  con.hooks.head = function (c) {
    var chips = $('chat-label-chips');
    chips.textContent = '';
    (c.labels || []).forEach(function (id) {
      if (!labels[id]) return;
      var ch = chip(labels[id]);
      var x = el('button', 'chip-x', '×');
      x.type = 'button';
      x.title = t('remove_label') + ' «' + labels[id].name + '»';
      x.setAttribute('aria-label', x.title);
      x.addEventListener('click', function () { setLabel(c.id, id, false); });
      ch.appendChild(x);
      chips.appendChild(ch);
    });
    var sel = $('act-label');
    sel.length = 1;
    Object.keys(labels).forEach(function (id) {
      if ((c.labels || []).indexOf(id) < 0) sel.add(new Option(labels[id].name, id));
    });
    contactLabels(c);
    var snoozed = !!c.snoozed_until && c.status !== 'closed';
    $('act-snooze').hidden = snoozed || c.status !== 'active';
    $('act-unsnooze').hidden = !snoozed;
    $('act-macro').hidden = !macros.length || c.status === 'closed';
  };
  function setLabel(convID, labelID, on) {
    api(on ? 'PUT' : 'DELETE', '/api/v1/inbox/conversations/' + convID + '/labels/' + labelID).then(function (c) {
      state.convs[c.id] = Object.assign(state.convs[c.id] || {}, c);
      con.render();
    }).catch(fail);
  }
  // the contact's labels, in the contact pane
  function contactLabels(c) {
    var chips = $('contact-label-chips');
    chips.textContent = '';
    (c.contact_labels || []).forEach(function (id) {
      if (!labels[id]) return;
      var ch = chip(labels[id], 'contact');
      var x = el('button', 'chip-x', '×');
      x.type = 'button';
      x.title = t('remove_label') + ' «' + labels[id].name + '»';
      x.setAttribute('aria-label', x.title);
      x.addEventListener('click', function () { setContactLabel(c.id, id, false); });
      ch.appendChild(x);
      chips.appendChild(ch);
    });
    var sel = $('act-contact-label');
    sel.length = 1;
    Object.keys(labels).forEach(function (id) {
      if ((c.contact_labels || []).indexOf(id) < 0) sel.add(new Option(labels[id].name, id));
    });
  }
  function setContactLabel(convID, labelID, on) {
    api(on ? 'PUT' : 'DELETE', '/api/v1/inbox/conversations/' + convID + '/contact-labels/' + labelID).then(function (c) {
      // every conversation of the contact in the list carries the change
      Object.keys(state.convs).forEach(function (k) {
        if (state.convs[k].contact_id === c.contact_id) state.convs[k].contact_labels = c.contact_labels;
      });
      state.convs[c.id] = Object.assign(state.convs[c.id] || {}, c);
      con.render();
    }).catch(fail);
  }
  $('act-contact-label').addEventListener('change', function () {
    var id = $('act-contact-label').value;
    $('act-contact-label').value = '';
    if (id && state.current) setContactLabel(state.current, id, true);
  });
  $('act-label').addEventListener('change', function () {
    var id = $('act-label').value;
    $('act-label').value = '';
    if (id && state.current) setLabel(state.current, id, true);
  });
  $('act-macro').addEventListener('change', function () {
    var id = $('act-macro').value;
    $('act-macro').value = '';
    if (!id || !state.current) return;
    api('POST', '/api/v1/automation/macros/' + id + '/run', { conversation_id: state.current }).then(function (c) {
      state.convs[c.id] = Object.assign(state.convs[c.id] || {}, c);
      con.render();
      ui.toast(t('macro_done'));
    }).catch(fail);
  });
  $('act-snooze').addEventListener('change', function () {
    var v = $('act-snooze').value;
    $('act-snooze').value = '';
    if (!v) return;
    // "tomorrow" is the installation's tomorrow at 9:00, reckoned by the server
    var body = { '1h': { until: Date.now() + 3600 * 1000 }, tomorrow: { tomorrow: true }, reply: {} }[v];
    con.act('/snooze', body).then(function () { con.reload(); });
  });
  $('act-unsnooze').addEventListener('click', function () { con.act('/unsnooze').then(function () { con.reload(); }); });

  // --- words of the history -------------------------------------------------
  con.hooks.system = function (d) {
    switch (d.event) {
      case 'labelled': case 'unlabelled': case 'contact_labelled': case 'contact_unlabelled':
        return t('sys_' + d.event) + ' «' + d.label + '»' + by(d);
      case 'snoozed':
        return (d.until ? t('snoozed_until') + ' ' + ui.dateTime(d.until) : t('snoozed_reply')) + by(d);
      case 'unsnoozed':
        return t('sys_unsnoozed');
      case 'appeal_created':
        return t('sys_appeal_created') + ' № ' + d.number + (d.subject ? ' «' + d.subject + '»' : '') + by(d);
      case 'automation':
        var failed = /_failed$/.test(d.action), kind = d.action.replace(/_failed$/, ''), what = d.detail;
        if (kind === 'route_operator') what = state.users[d.detail] || '';
        if (kind === 'priority') what = t('prio' + d.detail);
        if (kind === 'reply' || kind === 'close' || failed) what = '';
        return t(d.source === 'macro' ? 'sys_macro' : 'sys_rule') + ' «' + d.rule + '»: ' +
          (failed ? t('act_' + kind) + ' — ' + t('act_failed') : t('did_' + kind) + (what ? ' «' + what + '»' : ''));
    }
    return '';
  };
  function by(d) {
    if (d.by === 'automation') return ' — ' + t('by_rule');
    return d.by && state.users[d.by] ? ' — ' + state.users[d.by] : '';
  }

  // --- bulk actions ---------------------------------------------------------
  function bulkBar() {
    var n = Object.keys(chosen).length;
    $('bulk-bar').hidden = !n;
    $('bulk-count').textContent = t('bulk_chosen') + ': ' + n;
    $('bulk-result').textContent = '';
  }
  $('bulk-all').addEventListener('change', function () {
    if ($('bulk-all').checked) {
      document.querySelectorAll('#conversations li.conv').forEach(function (li) { chosen[li.dataset.id] = true; });
    } else chosen = {};
    con.render();
    bulkBar();
    $('bulk-all').checked = !!Object.keys(chosen).length;
  });
  function fillBulkValue() {
    var a = $('bulk-action').value, sel = $('bulk-value');
    sel.length = 0;
    sel.hidden = a === 'close';
    if (a === 'label') Object.keys(labels).forEach(function (id) { sel.add(new Option(labels[id].name, id)); });
    if (a === 'transfer') Object.keys(state.lines).forEach(function (id) { sel.add(new Option(state.lines[id].name, id)); });
    if (a === 'assign') Object.keys(state.users).forEach(function (id) { sel.add(new Option(state.users[id], id)); });
  }
  $('bulk-action').addEventListener('change', fillBulkValue);
  $('bulk-apply').addEventListener('click', function () {
    var a = $('bulk-action').value, ids = Object.keys(chosen), v = $('bulk-value').value;
    var body = { ids: ids, action: a };
    if (a === 'label') body.label_id = v;
    if (a === 'transfer') body.line_id = v;
    if (a === 'assign') body.operator_id = v;
    $('bulk-apply').disabled = true;
    api('POST', '/api/v1/automation/bulk', body).then(function (r) {
      chosen = {};
      r.failed.forEach(function (f) { chosen[f.id] = true; }); // the refused stay chosen
      return con.reload().then(function () {
        bulkBar();
        $('bulk-result').textContent = t('bulk_done') + ': ' + r.done + ' ' + t('of') + ' ' + ids.length +
          (r.failed.length ? ' · ' + t('bulk_refused') + ': ' + r.failed.length : '');
        $('bulk-bar').hidden = false;
      });
    }).catch(fail).finally(function () { $('bulk-apply').disabled = false; });
  });
  // choosing is per tab: a new list starts with nothing chosen
  document.querySelectorAll('.tabs button').forEach(function (b) { b.addEventListener('click', function () { chosen = {}; bulkBar(); }); });

  // --- labels and macros ----------------------------------------------------
  ui.ready().then(function () {
    return Promise.all([api('GET', '/api/v1/inbox/labels'), api('GET', '/api/v1/automation/macros')]);
  }).then(function (r) {
    var sel = $('label-filter'), csel = $('contact-label-filter');
    r[0].labels.forEach(function (l) { labels[l.id] = l; sel.add(new Option(l.name, l.id)); csel.add(new Option(l.name, l.id)); });
    document.dispatchEvent(new CustomEvent('profhub:labels'));
    macros = r[1].macros;
    var m = $('act-macro');
    macros.forEach(function (x) { m.add(new Option(x.name, x.id)); });
    fillBulkValue();
    con.render();
  }).catch(fail);
  $('label-filter').addEventListener('change', function () { con.reload(); });
  $('contact-label-filter').addEventListener('change', function () { con.reload(); });
})();
