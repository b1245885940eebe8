// The automation settings: rules (when … if … then …, in order), labels
// and macros, over /api/v1/automation and /api/v1/inbox/labels. Names
// and texts are inserted as text, never as HTML.
(function () {
  'use strict';
  var page = document.getElementById('auto-page');
  if (!page) return;
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var data = { lines: [], labels: [], units: [], users: [], rules: [], macros: [], webhooks: [], answers: [] };
  var editing = { rule: null, macro: null };
  function $(id) { return document.getElementById(id); }
  function opts(list, sel) { list.forEach(function (o) { sel.add(new Option(o[1], o[0])); }); return sel; }

  // --- tabs -----------------------------------------------------------------
  page.querySelectorAll('[data-tab]').forEach(function (b) {
    b.addEventListener('click', function () {
      page.querySelectorAll('[data-tab]').forEach(function (x) { x.classList.toggle('on', x === b); });
      page.querySelectorAll('[data-pane]').forEach(function (p) { p.hidden = p.dataset.pane !== b.dataset.tab; });
    });
  });

  // --- value pickers ----------------------------------------------------------
  var kinds = [['telegram', 'Telegram'], ['vk', 'VK'], ['mail', 'E-mail'], ['telephony', t('phone')], ['widget', t('site')], ['api', 'API']];
  function lineOpts() { return data.lines.map(function (l) { return [l.id, l.name]; }); }
  function labelOpts() { return data.labels.map(function (l) { return [l.id, l.name]; }); }
  function userOpts() { return data.users.map(function (u) { return [u.id, u.full_name]; }); }
  function unitOpts() { return data.units.map(function (u) { return [u.id, u.name]; }); }
  // The webhook and template steps pick from what exists; an empty list
  // says so (and saving is refused with the reason).
  function webhookOpts() {
    return data.webhooks.length ? data.webhooks.map(function (w) { return [w.id, w.name]; }) : [['', t('auto_no_webhooks')]];
  }
  function answerOpts() {
    return data.answers.length ? data.answers.map(function (q) { return [q.id, q.line_name + ' · /' + q.shortcut]; }) : [['', t('auto_no_templates')]];
  }
  var conditionKinds = ['words', 'channel', 'line', 'label', 'organisation', 'attribute', 'working_hours'];
  var ruleActions = ['label', 'route_line', 'route_operator', 'priority', 'reply', 'template', 'close', 'appeal', 'notify', 'webhook'];
  var macroActions = ['label', 'route_line', 'route_operator', 'priority', 'reply', 'close'];
  // valueField is the input for a step's value, by its kind.
  function valueField(kind, value) {
    var f;
    var choices = {
      channel: kinds, line: lineOpts(), route_line: lineOpts(), label: labelOpts(), organisation: unitOpts(),
      route_operator: userOpts(), notify: userOpts(), webhook: webhookOpts(), template: answerOpts(),
      working_hours: [['open', t('auto_hours_open')], ['closed', t('auto_hours_closed')]],
      priority: [['0', t('prio0')], ['1', t('prio1')], ['2', t('prio2')]]
    }[kind];
    if (choices) f = opts(choices, el('select'));
    else if (kind === 'reply') { f = el('textarea'); f.rows = 2; f.maxLength = 4000; f.placeholder = t('auto_reply_text'); }
    else if (kind === 'close') return null;
    else {
      f = el('input'); f.type = 'text'; f.maxLength = 4000;
      f.placeholder = { words: t('auto_words_hint'), attribute: t('auto_attribute_hint') }[kind] || t('auto_appeal_subject');
    }
    f.className = 'step-value';
    f.setAttribute('aria-label', t('auto_value'));
    if (value !== undefined) f.value = value;
    return f;
  }
  // step is one row of conditions (withNegate) or actions.
  function step(box, kindsList, prefix, s, withNegate) {
    var row = el('div', 'step');
    var kind = opts(kindsList.map(function (k) { return [k, t(prefix + k)]; }), el('select', 'step-kind'));
    kind.setAttribute('aria-label', t(withNegate ? 'auto_condition' : 'auto_action'));
    if (s) kind.value = s.kind;
    row.appendChild(kind);
    var neg;
    if (withNegate) {
      neg = el('label', 'check');
      var cb = el('input', 'step-negate'); cb.type = 'checkbox'; cb.checked = !!(s && s.negate);
      neg.appendChild(cb); neg.appendChild(document.createTextNode(' ' + t('auto_not')));
    }
    var value = valueField(kind.value, s && s.value);
    function place() {
      if (neg) row.appendChild(neg);
      if (value) row.appendChild(value);
      row.appendChild(del);
    }
    var del = el('button', 'danger', '×'); del.type = 'button';
    del.title = t('auto_remove_step'); del.setAttribute('aria-label', del.title);
    del.addEventListener('click', function () { row.remove(); });
    kind.addEventListener('change', function () {
      if (value) value.remove();
      del.remove(); if (neg) neg.remove();
      value = valueField(kind.value);
      place();
    });
    place();
    box.appendChild(row);
  }
  function readSteps(box) {
    return Array.prototype.map.call(box.querySelectorAll('.step'), function (row) {
      var v = row.querySelector('.step-value'), n = row.querySelector('.step-negate');
      var s = { kind: row.querySelector('.step-kind').value, value: v ? v.value : '' };
      if (n) s.negate = n.checked;
      return s;
    });
  }

  // --- rules ----------------------------------------------------------------
  function summary(r) {
    var s = t('on_' + r.on) + (r.on === 'no_answer' ? ' (' + r.idle_min + ' ' + t('min') + ')' : '');
    if (r.conditions.length) s += ' · ' + r.conditions.map(function (c) { return (c.negate ? t('auto_not') + ' ' : '') + t('if_' + c.kind) + (c.kind === 'words' ? ' «' + c.value + '»' : ''); }).join(', ');
    return s + ' → ' + r.actions.map(function (a) { return t('act_' + a.kind); }).join(', ');
  }
  function renderRules() {
    var ol = $('rule-list');
    ol.textContent = '';
    if (!data.rules.length) ol.appendChild(el('li', 'muted', t('auto_no_rules')));
    data.rules.forEach(function (r, i) {
      var li = el('li', r.enabled ? '' : 'off');
      var g = el('div', 'grow');
      g.appendChild(el('b', '', r.name + (r.enabled ? '' : ' (' + t('auto_disabled') + ')')));
      g.appendChild(el('div', 'auto-summary muted', summary(r)));
      li.appendChild(g);
      [['↑', i > 0, -1, 'auto_up'], ['↓', i < data.rules.length - 1, 1, 'auto_down']].forEach(function (m) {
        var b = el('button', '', m[0]); b.type = 'button'; b.disabled = !m[1]; b.title = t(m[3]); b.setAttribute('aria-label', t(m[3]) + ': ' + r.name);
        b.addEventListener('click', function () { move(i, m[2]); });
        li.appendChild(b);
      });
      var e = el('button', '', t('auto_edit')); e.type = 'button';
      e.addEventListener('click', function () { editRule(r); });
      var d = el('button', 'danger', t('auto_delete')); d.type = 'button';
      d.addEventListener('click', function () {
        if (confirm(t('auto_confirm_delete') + ' «' + r.name + '»?')) api('DELETE', '/api/v1/automation/rules/' + r.id).then(loadRules).catch(ui.fail());
      });
      li.appendChild(e); li.appendChild(d);
      ol.appendChild(li);
    });
  }
  function move(i, by) {
    var ids = data.rules.map(function (r) { return r.id; });
    var x = ids[i]; ids[i] = ids[i + by]; ids[i + by] = x;
    api('POST', '/api/v1/automation/rules/order', { ids: ids }).then(loadRules).catch(ui.fail());
  }
  function loadRules() { return api('GET', '/api/v1/automation/rules').then(function (r) { data.rules = r.rules; renderRules(); }); }
  var rf = $('rule-form');
  function idleShown() { rf.querySelector('.idle').hidden = rf.elements.on.value !== 'no_answer'; }
  rf.elements.on.addEventListener('change', idleShown);
  function editRule(r) {
    editing.rule = r;
    $('rule-form-title').textContent = r ? r.name : t('auto_rule_new');
    rf.elements.name.value = r ? r.name : '';
    rf.elements.enabled.checked = r ? r.enabled : true;
    rf.elements.on.value = r ? r.on : 'message';
    rf.elements.idle_min.value = r && r.idle_min ? r.idle_min : 30;
    idleShown();
    $('rule-conditions').textContent = ''; $('rule-actions').textContent = '';
    (r ? r.conditions : []).forEach(function (c) { step($('rule-conditions'), conditionKinds, 'if_', c, true); });
    (r ? r.actions : [{ kind: 'label' }]).forEach(function (a) { step($('rule-actions'), ruleActions, 'act_', a, false); });
    $('rule-error').hidden = true;
    rf.hidden = false;
    rf.elements.name.focus();
  }
  $('rule-new').addEventListener('click', function () { editRule(null); });
  $('rule-cancel').addEventListener('click', function () { rf.hidden = true; });
  $('rule-add-condition').addEventListener('click', function () { step($('rule-conditions'), conditionKinds, 'if_', null, true); });
  $('rule-add-action').addEventListener('click', function () { step($('rule-actions'), ruleActions, 'act_', null, false); });
  rf.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = { name: rf.elements.name.value, enabled: rf.elements.enabled.checked, on: rf.elements.on.value,
      idle_min: Number(rf.elements.idle_min.value) || 0, conditions: readSteps($('rule-conditions')), actions: readSteps($('rule-actions')) };
    var r = editing.rule;
    api(r ? 'PUT' : 'POST', '/api/v1/automation/rules' + (r ? '/' + r.id : ''), body).then(function () {
      rf.hidden = true;
      ui.toast(t('auto_saved'));
      return loadRules();
    }).catch(ui.fail($('rule-error')));
  });

  // --- labels ---------------------------------------------------------------
  function renderLabels() {
    var ul = $('label-list');
    ul.textContent = '';
    if (!data.labels.length) ul.appendChild(el('li', 'muted', t('auto_no_labels')));
    data.labels.forEach(function (l) {
      var li = el('li');
      var c = el('span', 'label-chip', l.name); c.style.setProperty('--label', l.color);
      var g = el('div', 'grow'); g.appendChild(c);
      li.appendChild(g);
      var color = el('input'); color.type = 'color'; color.value = l.color; color.setAttribute('aria-label', t('auto_label_color') + ': ' + l.name);
      color.addEventListener('change', function () {
        api('PUT', '/api/v1/inbox/labels/' + l.id, { name: l.name, color: color.value }).then(loadLabels).catch(ui.fail());
      });
      var d = el('button', 'danger', t('auto_delete')); d.type = 'button';
      d.addEventListener('click', function () {
        if (confirm(t('auto_confirm_delete_label') + ' «' + l.name + '»?')) api('DELETE', '/api/v1/inbox/labels/' + l.id).then(loadLabels).catch(ui.fail());
      });
      li.appendChild(color); li.appendChild(d);
      ul.appendChild(li);
    });
  }
  function loadLabels() { return api('GET', '/api/v1/inbox/labels').then(function (r) { data.labels = r.labels; renderLabels(); }); }
  var lf = $('label-form');
  lf.addEventListener('submit', function (e) {
    e.preventDefault();
    $('label-error').hidden = true;
    api('POST', '/api/v1/inbox/labels', { name: lf.elements.name.value, color: lf.elements.color.value }).then(function () {
      lf.elements.name.value = '';
      return loadLabels();
    }).catch(ui.fail($('label-error')));
  });

  // --- macros ---------------------------------------------------------------
  function renderMacros() {
    var ul = $('macro-list');
    ul.textContent = '';
    if (!data.macros.length) ul.appendChild(el('li', 'muted', t('auto_no_macros')));
    data.macros.forEach(function (m) {
      var li = el('li');
      var g = el('div', 'grow');
      g.appendChild(el('b', '', m.name));
      g.appendChild(el('div', 'auto-summary muted', m.actions.map(function (a) { return t('act_' + a.kind); }).join(' → ')));
      li.appendChild(g);
      var e = el('button', '', t('auto_edit')); e.type = 'button';
      e.addEventListener('click', function () { editMacro(m); });
      var d = el('button', 'danger', t('auto_delete')); d.type = 'button';
      d.addEventListener('click', function () {
        if (confirm(t('auto_confirm_delete') + ' «' + m.name + '»?')) api('DELETE', '/api/v1/automation/macros/' + m.id).then(loadMacros).catch(ui.fail());
      });
      li.appendChild(e); li.appendChild(d);
      ul.appendChild(li);
    });
  }
  function loadMacros() { return api('GET', '/api/v1/automation/macros').then(function (r) { data.macros = r.macros; renderMacros(); }); }
  var mf = $('macro-form');
  function editMacro(m) {
    editing.macro = m;
    mf.elements.name.value = m ? m.name : '';
    $('macro-actions').textContent = '';
    (m ? m.actions : [{ kind: 'reply' }, { kind: 'close' }]).forEach(function (a) { step($('macro-actions'), macroActions, 'act_', a, false); });
    $('macro-error').hidden = true;
    mf.hidden = false;
    mf.elements.name.focus();
  }
  $('macro-new').addEventListener('click', function () { editMacro(null); });
  $('macro-cancel').addEventListener('click', function () { mf.hidden = true; });
  $('macro-add-action').addEventListener('click', function () { step($('macro-actions'), macroActions, 'act_', null, false); });
  mf.addEventListener('submit', function (e) {
    e.preventDefault();
    var m = editing.macro;
    api(m ? 'PUT' : 'POST', '/api/v1/automation/macros' + (m ? '/' + m.id : ''), { name: mf.elements.name.value, actions: readSteps($('macro-actions')) })
      .then(function () { mf.hidden = true; ui.toast(t('auto_saved')); return loadMacros(); }).catch(ui.fail($('macro-error')));
  });

  ui.ready().then(function () {
    return Promise.all([api('GET', '/api/v1/inbox/lines'), api('GET', '/api/v1/units'), api('GET', '/api/v1/users?limit=500'), loadLabels(),
      api('GET', '/api/v1/automation/choices')]);
  }).then(function (r) {
    data.webhooks = r[4].webhooks || [];
    data.answers = r[4].quick_answers || [];
    data.lines = r[0].lines;
    data.units = r[1].units;
    data.users = (r[2].users || []).filter(function (u) { return !u.disabled; });
    return Promise.all([loadRules(), loadMacros()]);
  }).catch(ui.fail());
})();
