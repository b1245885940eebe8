// Campaigns: the list, an editor with the recipient count and a preview
// per recipient, and live results with pause, resume and cancel. All
// through the mailing API; text is set with textContent, and the only HTML
// shown is the preview the server sanitised (bluemonday's UGC policy) or,
// for a block letter, the letter itself in a sandboxed frame the server
// answers with a policy that runs nothing. The block editor is
// mailings_blocks.js; a letter previewed or tested is saved as a draft
// first, and saving again updates that draft.
(function () {
  'use strict';
  var root = document.getElementById('mailings-page');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var form = document.getElementById('editor');
  var msg = document.getElementById('editor-msg');
  var current = null, timer = null, draftId = null;
  var blocks = window.profhubBlocks(document.getElementById('blocks'), document.getElementById('add-blocks'), { vars: [] });
  var subjectVar = document.getElementById('subject-var');
  subjectVar.addEventListener('change', function () {
    if (subjectVar.value) blocks.insertText(form.elements.subject, '{{' + subjectVar.value + '}}');
    subjectVar.value = '';
  });
  // The same Russian variables go into the SMS, the messenger text and a
  // raw-HTML letter, picked from a list beside each.
  var textVars = Array.prototype.slice.call(form.querySelectorAll('select[data-var-for]'));
  textVars.forEach(function (s) {
    s.addEventListener('change', function () {
      if (s.value) blocks.insertText(form.elements[s.dataset.varFor], '{{' + s.value + '}}');
      s.value = '';
    });
  });
  function mode() { return form.querySelector('input[name=mode]:checked').value; }

  var fail = ui.fail(msg);

  // The administrator's switch for open and click counting (off by default).
  var tracking = document.getElementById('tracking');
  if (tracking) {
    var trackingMsg = document.getElementById('tracking-msg');
    api('GET', '/api/v1/mailing/settings').then(function (r) { tracking.checked = r.tracking; })
      .catch(ui.fail(trackingMsg));
    tracking.addEventListener('change', function () {
      api('PUT', '/api/v1/mailing/settings', { tracking: tracking.checked })
        .then(function (r) { tracking.checked = r.tracking; trackingMsg.textContent = t('tracking_saved'); })
        .catch(function (e) { tracking.checked = !tracking.checked; trackingMsg.textContent = e.message; });
    });
  }

  function loadList() {
    return api('GET', '/api/v1/mailing/campaigns').then(function (r) {
      var tb = document.getElementById('campaigns');
      tb.textContent = '';
      var head = el('tr');
      [t('name'), t('kind'), t('status'), t('recipients'), t('created')].forEach(function (h) { head.appendChild(el('th', '', h)); });
      tb.appendChild(head);
      if (!r.campaigns.length) {
        var tr = el('tr'), td = el('td', 'muted', t('none'));
        td.colSpan = 5; tr.appendChild(td); tb.appendChild(tr);
      }
      r.campaigns.forEach(function (c) {
        var tr = el('tr'), a = el('a', '', c.name);
        a.href = '#' + c.id;
        a.addEventListener('click', function (e) { e.preventDefault(); showResults(c.id); });
        var td = el('td'); td.appendChild(a); tr.appendChild(td);
        tr.appendChild(el('td', '', t(c.kind)));
        tr.appendChild(el('td', 'status-' + c.status, t('status_' + c.status) + (c.alert ? ' — ' + c.alert : '')));
        tr.appendChild(el('td', '', c.total || '—'));
        tr.appendChild(el('td', 'muted', ui.dateTime(c.created_at)));
        tb.appendChild(tr);
      });
    });
  }

  function input() {
    var f = form.elements, seg = JSON.parse(f.segment.value || '{}'), channels = f.channels.value.split(','), messengers = {};
    ['telegram', 'vk'].forEach(function (ch) { if (channels.indexOf(ch) >= 0 && f[ch].value) messengers[ch] = f[ch].value; });
    return {
      name: f.name.value, kind: f.kind.value, channels: channels,
      segments: [seg], accounts: f.account.value && channels.indexOf('email') >= 0 ? [f.account.value] : [],
      sms_gateway: channels.indexOf('sms') >= 0 ? f.sms_gateway.value : '', messengers: messengers,
      // A hidden field's text is not part of the campaign: it was typed
      // for a channel the campaign no longer uses.
      content: { subject: f.subject.value, html: mode() === 'html' ? f.html.value : '', text: mode() === 'html' ? f.text.value : '',
        blocks: mode() === 'blocks' && channels.indexOf('email') >= 0 ? blocks.get() : [],
        sms: channels.indexOf('sms') >= 0 ? f.sms.value : '',
        message: channels.indexOf('telegram') >= 0 || channels.indexOf('vk') >= 0 ? f.message.value : '' }
    };
  }

  // Only the settings of the chosen channels are shown.
  // and of the chosen way of writing the letter (blocks or HTML).
  function showChannelFields() {
    var channels = form.elements.channels.value.split(','), m = mode();
    form.querySelectorAll('[data-for], [data-mode]').forEach(function (l) {
      l.hidden = (l.dataset.for && !l.dataset.for.split(' ').some(function (ch) { return channels.indexOf(ch) >= 0; })) ||
        (l.dataset.mode && l.dataset.mode !== m);
    });
  }
  form.elements.channels.addEventListener('change', function () { showChannelFields(); loadRecipients(); });
  form.elements.segment.addEventListener('change', loadRecipients);
  form.querySelectorAll('input[name=mode]').forEach(function (r) { r.addEventListener('change', showChannelFields); });

  // The preview's recipients: members of the chosen segment.
  var memberPick = document.getElementById('preview-member');
  function loadRecipients() {
    return api('POST', '/api/v1/mailing/recipients', input()).then(function (r) {
      var keep = memberPick.value;
      while (memberPick.options.length > 1) memberPick.remove(1);
      r.recipients.forEach(function (m) { memberPick.add(new Option(m.name, m.member_id)); });
      memberPick.value = keep;
      if (memberPick.selectedIndex < 0) memberPick.selectedIndex = 0;
    }).catch(function () { /* the segment is not chosen fully yet */ });
  }

  // resetForm empties the editor; the first SMTP account stays chosen.
  function resetForm() {
    form.reset();
    if (form.elements.account.options.length > 1) form.elements.account.selectedIndex = 1;
    showChannelFields();
  }

  // openDraft puts a saved draft back into the editor; saving updates it.
  function openDraft(c) {
    var f = form.elements, ct = c.content || {};
    resetForm();
    draftId = c.id;
    f.name.value = c.name; f.kind.value = c.kind;
    var chans = c.channels.join(',');
    if (Array.from(f.channels.options).some(function (o) { return o.value === chans; })) f.channels.value = chans;
    var seg = JSON.stringify((c.segments || [])[0] || {});
    if (Array.from(f.segment.options).some(function (o) { return o.value === seg; })) f.segment.value = seg;
    if (c.accounts && c.accounts.length) f.account.value = c.accounts[0];
    if (c.sms_gateway) f.sms_gateway.value = c.sms_gateway;
    ['telegram', 'vk'].forEach(function (ch) { if (c.messengers && c.messengers[ch]) f[ch].value = c.messengers[ch]; });
    f.subject.value = ct.subject || ''; f.html.value = ct.html || ''; f.text.value = ct.text || '';
    f.sms.value = ct.sms || ''; f.message.value = ct.message || '';
    var blockLetter = (ct.blocks || []).length > 0 || !(ct.html || ct.text);
    form.querySelector('input[name=mode][value=' + (blockLetter ? 'blocks' : 'html') + ']').checked = true;
    blocks.set(ct.blocks || []);
    showChannelFields(); loadRecipients();
    document.getElementById('results').hidden = true; document.getElementById('preview-box').hidden = true;
    form.hidden = false; f.name.focus();
  }

  // saveDraft creates the campaign or updates the draft being edited.
  function saveDraft() {
    var req = draftId ? api('PUT', '/api/v1/mailing/campaigns/' + draftId, input()) : api('POST', '/api/v1/mailing/campaigns', input());
    return req.then(function (c) { draftId = c.id; return c; });
  }

  // Templates of block letters: start from one, save the letter as one.
  var tplPick = document.getElementById('tpl-pick'), tplMsg = document.getElementById('tpl-msg');
  function loadTemplates() {
    return api('GET', '/api/v1/mailing/templates').then(function (r) {
      while (tplPick.options.length > 1) tplPick.remove(1);
      r.templates.forEach(function (x) { tplPick.add(new Option(x.name, x.id)); });
      document.getElementById('tpl-delete').hidden = !tplPick.value;
    });
  }
  tplPick.addEventListener('change', function () { document.getElementById('tpl-delete').hidden = !tplPick.value; });
  document.getElementById('tpl-apply').addEventListener('click', function () {
    if (!tplPick.value) return;
    api('GET', '/api/v1/mailing/templates/' + tplPick.value).then(function (x) {
      blocks.set(x.blocks);
      if (x.subject) form.elements.subject.value = x.subject;
      tplMsg.textContent = t('template_applied');
    }).catch(ui.fail(tplMsg));
  });
  document.getElementById('tpl-save').addEventListener('click', function () {
    var name = document.getElementById('tpl-name');
    api('POST', '/api/v1/mailing/templates', { name: name.value, subject: form.elements.subject.value, blocks: blocks.get() }).then(function (x) {
      name.value = '';
      tplMsg.textContent = t('template_saved');
      return loadTemplates().then(function () { tplPick.value = x.id; document.getElementById('tpl-delete').hidden = false; });
    }).catch(ui.fail(tplMsg));
  });
  document.getElementById('tpl-delete').addEventListener('click', function () {
    if (!tplPick.value || !window.confirm(t('template_delete_confirm'))) return;
    api('DELETE', '/api/v1/mailing/templates/' + tplPick.value).then(loadTemplates).then(function () {
      tplMsg.textContent = t('template_deleted');
    }).catch(ui.fail(tplMsg));
  });

  document.getElementById('test-me').addEventListener('click', function () {
    saveDraft().then(function (c) {
      return api('POST', '/api/v1/mailing/campaigns/' + c.id + '/test', { to_me: true, member_id: memberPick.value });
    }).then(function (r) {
      msg.removeAttribute('role');
      msg.textContent = t('test_sent').replace('%s', r.to.join(', '));
    }).catch(fail);
  });

  document.getElementById('new-campaign').addEventListener('click', function () {
    draftId = null; blocks.set([]); resetForm();
    document.getElementById('preview-box').hidden = true; msg.textContent = '';
    form.hidden = false; document.getElementById('results').hidden = true; form.elements.name.focus();
  });
  document.getElementById('count').addEventListener('click', function () {
    msg.textContent = t('counting');
    api('POST', '/api/v1/mailing/audience', input()).then(function (r) {
      var parts = Object.keys(r.by_channel).map(function (ch) { return ch + ': ' + r.by_channel[ch]; });
      msg.textContent = t('recipients') + ': ' + r.total + (parts.length ? ' (' + parts.join(', ') + ')' : '') +
        '; ' + t('excluded') + ': ' + r.excluded + (r.suppressed ? '; ' + t('suppressed') + ': ' + r.suppressed : '');
    }).catch(fail);
  });
  document.getElementById('preview').addEventListener('click', function () {
    var member = memberPick.value, frame = document.getElementById('preview-frame');
    // A block letter is shown as it will arrive, styles and all: saved
    // first, then loaded from the server into the sandboxed frame.
    var blockLetter = mode() === 'blocks' && input().channels.indexOf('email') >= 0;
    var req = blockLetter ? saveDraft().then(function (c) {
      frame.src = '/api/v1/mailing/campaigns/' + c.id + '/letter?member_id=' + encodeURIComponent(member) + '&v=' + Date.now();
      return api('GET', '/api/v1/mailing/campaigns/' + c.id + '/preview?member_id=' + encodeURIComponent(member));
    }) : api('POST', '/api/v1/mailing/preview', { content: input().content, member_id: member });
    req.then(function (r) {
      document.getElementById('preview-box').hidden = false;
      document.getElementById('preview-subject').textContent = r.subject;
      document.getElementById('preview-html').innerHTML = r.preview_html || '';
      document.getElementById('preview-text').textContent = r.text;
      // The SMS shows whatever the other channels are (an SMS-only campaign has no letter).
      var ps = document.getElementById('preview-sms');
      ps.textContent = r.sms ? 'SMS: ' + r.sms : '';
      ps.hidden = !r.sms;
      var pm = document.getElementById('preview-message');
      pm.textContent = r.message_text ? 'Telegram / VK:\n' + r.message_text : '';
      pm.hidden = !r.message_text;
      msg.textContent = '';
    }).catch(fail);
  });
  form.elements.sms.addEventListener('input', function () {
    // A rough count while typing; the server's count is the one that decides.
    var s = form.elements.sms.value, ucs = /[^\x00-\x7f]/.test(s), n = s.length;
    var parts = n === 0 ? 0 : ucs ? (n <= 70 ? 1 : Math.ceil(n / 67)) : (n <= 160 ? 1 : Math.ceil(n / 153));
    document.getElementById('sms-info').textContent = n + ' / ' + parts + ' ' + t('sms_parts') + (ucs ? ' (UCS-2)' : ' (GSM-7)');
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    saveDraft().then(function (c) {
      draftId = null; blocks.set([]);
      form.hidden = true; resetForm();
      document.getElementById('sms-info').textContent = '';
      return loadList().then(function () { showResults(c.id); });
    }).catch(fail);
  });

  function action(id, name) {
    return function () {
      api('POST', '/api/v1/mailing/campaigns/' + id + '/' + name).then(function () { showResults(id); loadList(); })
        .catch(ui.fail(document.getElementById('results-status')));
    };
  }

  function showResults(id) {
    current = id;
    clearTimeout(timer);
    form.hidden = true;
    var box = document.getElementById('results');
    Promise.all([api('GET', '/api/v1/mailing/campaigns/' + id), api('GET', '/api/v1/mailing/campaigns/' + id + '/stats')]).then(function (r) {
      if (current !== id) return;
      var c = r[0], st = r[1];
      box.hidden = false;
      document.getElementById('results-name').textContent = c.name;
      document.getElementById('results-status').textContent = t('status_' + c.status) +
        (c.pause_reason ? ' — ' + c.pause_reason : '') + (c.alert ? ' — ' + c.alert : '') + (c.needs_confirm ? ' — ' + t('needs_confirm') : '');
      if (st.opened || st.clicked) { // counted only when an administrator turned tracking on
        document.getElementById('results-status').textContent += ' · ' + t('opened') + ': ' + st.opened + ', ' + t('clicked') + ': ' + st.clicked;
      }
      if (st.resent) { // letters that went a second time after the runner was killed
        document.getElementById('results-status').textContent += ' · ' + t('resent') + ': ' + st.resent;
      }
      var done = st.total - st.pending;
      document.getElementById('results-bar').style.width = (st.total ? Math.round(100 * done / st.total) : 0) + '%';
      var tb = document.getElementById('results-table');
      tb.textContent = '';
      var head = el('tr');
      ['channel', 'pending', 'sent', 'failed', 'bounced', 'skipped'].forEach(function (h) { head.appendChild(el('th', '', t(h))); });
      tb.appendChild(head);
      Object.keys(st.by_channel).forEach(function (ch) {
        var tr = el('tr'), row = st.by_channel[ch];
        tr.appendChild(el('td', '', ch));
        ['pending', 'sent', 'failed', 'bounced', 'skipped'].forEach(function (k) { tr.appendChild(el('td', '', row[k] || 0)); });
        tb.appendChild(tr);
      });
      var acts = document.getElementById('results-actions');
      acts.textContent = '';
      var buttons = { draft: ['start', 'cancel'], scheduled: c.needs_confirm ? ['confirm', 'cancel'] : ['pause', 'cancel'],
        running: ['pause', 'cancel'], paused: ['resume', 'cancel'] }[c.status] || [];
      buttons.forEach(function (b) {
        var btn = el('button', b === 'cancel' ? 'danger' : b === 'start' || b === 'resume' ? 'primary' : '', t('act_' + b));
        btn.addEventListener('click', action(id, b));
        acts.appendChild(btn);
      });
      if (c.status === 'draft') {
        var edit = el('button', 'act-edit', t('act_edit'));
        edit.addEventListener('click', function () { openDraft(c); });
        acts.insertBefore(edit, acts.firstChild);
      }
      if (c.status === 'running' || c.status === 'scheduled') timer = setTimeout(function () { showResults(id); }, 2000);
      else loadList(); // the list's state column catches up
    }).catch(function (e) { box.hidden = false; document.getElementById('results-status').textContent = e.message; });
  }

  ui.me().then(function () {
    return Promise.all([api('GET', '/api/v1/mailing/lists'), api('GET', '/api/v1/mailing/accounts'),
      api('GET', '/api/v1/mailing/sms-gateways'), api('GET', '/api/v1/mailing/messengers'),
      // The member list's saved filters (own and shared) are segments too.
      api('GET', '/api/v1/crm/filters').catch(function () { return { filters: [] }; }),
      api('GET', '/api/v1/mailing/variables'), loadTemplates()]);
  }).then(function (r) {
    var seg = form.elements.segment;
    seg.add(new Option(t('all_members'), JSON.stringify({ filter: {} })));
    seg.add(new Option(t('activists'), JSON.stringify({ filter: { activist: true } })));
    r[0].lists.forEach(function (l) { seg.add(new Option(t('list') + ': ' + l.name + ' (' + l.size + ')', JSON.stringify({ list_id: l.id }))); });
    r[4].filters.forEach(function (f) { seg.add(new Option(t('saved_filter') + ': ' + f.name, JSON.stringify({ saved_filter_id: f.id }))); });
    form.elements.account.add(new Option('—', ''));
    r[1].accounts.forEach(function (a) { form.elements.account.add(new Option(a.name + ' <' + a.from_address + '>', a.id)); });
    if (r[1].accounts.length) form.elements.account.selectedIndex = 1;
    r[2].sms_gateways.forEach(function (g) { form.elements.sms_gateway.add(new Option(g.name, g.id)); });
    r[3].channels.forEach(function (c) { form.elements[c.channel].add(new Option(c.name, c.id)); });
    blocks.setVars(r[5].variables);
    blocks.fillVars(subjectVar, r[5].variables);
    textVars.forEach(function (s) { blocks.fillVars(s, r[5].variables); });
    showChannelFields();
    loadRecipients();
    return loadList();
  }).then(function () {
    if (location.hash.length > 1) showResults(location.hash.slice(1));
  }).catch(function (e) { root.appendChild(el('p', 'error', e.message)); });
})();
