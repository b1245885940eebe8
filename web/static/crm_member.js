// A member's card beside the registry's list: what the card holds (its
// custom fields too), the form that edits every field or makes a new
// card, archive and restore, the history of changes and the timeline.
// The server checks everything; its message appears beside the field it
// names. Opening a card is recorded in the audit log by the server.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var CHANNELS = ['sms', 'email', 'telegram', 'vk', 'phone', 'post'];

  function dl(pairs) {
    var d = el('dl');
    pairs.forEach(function (p) {
      if (p[1] === undefined || p[1] === null || p[1] === '' || (p[1].length === 0)) return;
      d.appendChild(el('dt', '', p[0]));
      if (p[1] instanceof Node) { var dd = el('dd'); dd.appendChild(p[1]); d.appendChild(dd); return; }
      d.appendChild(el('dd', '', Array.isArray(p[1]) ? p[1].join(', ') : p[1]));
    });
    return d;
  }
  function button(text, cls) {
    var b = el('button', cls || '', text);
    b.type = 'button';
    return b;
  }

  // ctx: { units: [{id, name}], canEdit, phoneList(phones), changed(member) }.
  ui.memberCard = function (card, id, ctx) {
    return api('GET', '/api/v1/crm/members/' + encodeURIComponent(id)).then(function (m) {
      return ui.customFields('member', m.unit_id).then(function (fields) { view(card, m, fields, ctx); });
    }).catch(function (e) { card.hidden = false; card.textContent = e.message; });
  };

  function view(card, m, fields, ctx) {
    card.hidden = false;
    card.textContent = '';
    var h = el('h2', '', m.full_name);
    if (m.archived_at) h.appendChild(el('span', 'badge archived', ' ' + t('crm_archived_badge')));
    card.appendChild(h);
    var org = el('a', '', m.unit_name);
    org.href = '/organisations/' + encodeURIComponent(m.unit_id);
    var consents = [];
    if (m.consents.processing && m.consents.processing.given) consents.push(t('crm_consent_processing'));
    if (m.consents.advertising && m.consents.advertising.given) consents.push(t('crm_consent_advertising'));
    CHANNELS.forEach(function (ch) { if (m.consents.mailings && m.consents.mailings[ch] && m.consents.mailings[ch].given) consents.push(t('crm_mail_' + ch)); });
    var pairs = [[t('crm_kind'), t('crm_kind_' + m.kind)], [t('crm_unit'), org], [t('crm_birth'), ui.day(m.birth_date)],
      [t('crm_sex'), m.sex ? t('crm_sex_' + m.sex) : ''],
      [t('crm_phones'), ctx.phoneList(m.phones)], [t('crm_emails'), m.emails], [t('crm_workplace'), [m.workplace, m.position].filter(Boolean)],
      [t('crm_industry'), m.industry], [t('crm_card_no'), m.card_number], [t('crm_discount'), m.discount_card],
      [t('crm_joined'), ui.day(m.joined_on)], [t('crm_status'), t('crm_status_' + m.status)], [t('crm_left_on'), ui.day(m.left_on)],
      [t('crm_left_reason'), m.left_reason], [t('crm_activists'), m.activist ? '✓ ' + m.flags.join(', ') : ''], [t('crm_consents'), consents]];
    fields.forEach(function (f) { pairs.push([f.label, ui.customText(f, m.custom[f.key])]); });
    card.appendChild(dl(pairs));
    if (ui.privacyActions) ui.privacyActions(card, m, ctx.changed); // privacy_card.js
    if (ctx.canEdit) {
      var row = el('div', 'row card-actions');
      var edit = button(t('crm_edit'), 'primary');
      edit.id = 'm-edit';
      edit.addEventListener('click', function () { ui.memberForm(card, m, ctx); });
      var arch = button(m.archived_at ? t('crm_restore') : t('crm_archive'));
      arch.id = 'm-archive';
      var msg = el('span', 'error');
      arch.addEventListener('click', function () {
        if (!m.archived_at && !window.confirm(t('crm_archive_confirm'))) return;
        arch.disabled = true;
        api('POST', '/api/v1/crm/members/' + encodeURIComponent(m.id) + (m.archived_at ? '/restore' : '/archive')).then(function (u) {
          ctx.changed(u);
        }).catch(function (e) { arch.disabled = false; msg.textContent = e.message; });
      });
      row.appendChild(edit); row.appendChild(arch); row.appendChild(msg);
      card.appendChild(row);
    }
    var write = el('section', 'card-write');
    write.id = 'm-write';
    card.appendChild(write);
    writeBox(write, m);
    if (ui.memberBotBox) {
      var bot = el('section', 'card-bot');
      bot.id = 'm-bot';
      card.appendChild(bot);
      ui.memberBotBox(bot, m, ctx.canEdit);
    }
    var hist = el('section', 'card-changes');
    hist.id = 'm-history';
    card.appendChild(hist);
    ui.cardHistory(hist, '/api/v1/crm/members/' + encodeURIComponent(m.id), 'member');
    var tl = el('section');
    card.appendChild(tl);
    timeline(tl, m.id);
  }

  // writeBox lets the caller write first to the member on a channel the
  // member can be reached on; the server refuses a channel without the
  // member's consent. Sent, the console opens on the new conversation.
  function writeBox(box, m) {
    api('GET', '/api/v1/crm/members/' + encodeURIComponent(m.id) + '/channels').then(function (r) {
      box.appendChild(el('h3', '', t('crm_write')));
      if (!r.channels.length) { box.appendChild(el('p', 'muted', t('crm_write_none'))); return; }
      var form = el('form', 'crm-grid crm-write');
      form.id = 'm-write-form';
      form.noValidate = true;
      var chl = ui.cardField(t('crm_write_channel'), 'channel_id');
      var sel = el('select');
      sel.name = 'channel_id';
      r.channels.forEach(function (c, i) {
        var label = t('crm_write_kind_' + c.kind) + ' · ' + c.channel_name + (c.kind === 'mail' || c.kind === 'sms' ? ' · ' + c.address : '') +
          (c.consent ? '' : ' (' + t('crm_write_no_consent') + ')');
        sel.add(new Option(label, String(i)));
      });
      chl.insertBefore(sel, chl.lastChild);
      form.appendChild(chl);
      var txl = ui.cardField(t('crm_write_text'), 'text', true);
      var text = el('textarea');
      text.name = 'text'; text.rows = 3; text.required = true;
      txl.insertBefore(text, txl.lastChild);
      text.addEventListener('input', function () { ui.showFieldError(form, null); });
      form.appendChild(txl);
      var row = el('div', 'row wide');
      var send = el('button', 'primary', t('crm_write_send'));
      send.id = 'm-write-send';
      var msg = el('span', 'error form-error');
      msg.setAttribute('role', 'alert');
      row.appendChild(send); row.appendChild(msg);
      form.appendChild(row);
      box.appendChild(form);
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        msg.textContent = '';
        var c = r.channels[Number(sel.value)];
        send.disabled = true;
        api('POST', '/api/v1/crm/members/' + encodeURIComponent(m.id) + '/conversations',
          { channel_id: c.channel_id, address: c.address, text: text.value }).then(function (conv) {
          window.location.href = '/inbox?c=' + encodeURIComponent(conv.id);
        }).catch(function (err) { send.disabled = false; ui.showFieldError(form, err); });
      });
    }).catch(function () { box.hidden = true; });
  }

  // timelineStatus is a timeline entry's state in words: a conversation's,
  // a call's result, a letter's or a mailing's delivery.
  function timelineStatus(kind, status) {
    if (!status) return '';
    var k = 'crm_tl_st_' + kind + '_' + status, s = t(k);
    return s === k ? status : s;
  }

  function timeline(box, id) {
    box.appendChild(el('h3', '', t('crm_timeline')));
    var ol = el('ol', 'timeline');
    box.appendChild(ol);
    api('GET', '/api/v1/crm/members/' + encodeURIComponent(id) + '/timeline?limit=30').then(function (tl) {
      if (!tl.entries.length) ol.appendChild(el('li', 'muted', t('crm_nothing')));
      tl.entries.forEach(function (e) {
        var li = el('li', e.kind);
        var a = el('a', '', e.title);
        a.href = e.link || '#';
        var st = e.kind === 'appeal' ? t('crm_appeal_' + e.status) : timelineStatus(e.kind, e.status);
        li.appendChild(el('div', 'muted', ui.dateTime(e.at) + ' · ' + t('crm_tl_' + e.kind) + (st ? ' · ' + st : '')));
        li.appendChild(a);
        ol.appendChild(li);
      });
    }).catch(function (e) { ol.appendChild(el('li', 'error', e.message)); });
  }

  // memberLabels shows, under the card's title, the labels operators put
  // on the member's inbox contacts (nothing when there are none or the
  // user does not see the inbox).
  function memberLabels(card, id) {
    var row = el('div', 'conv-labels member-labels');
    row.id = 'member-labels';
    card.appendChild(row);
    api('GET', '/api/v1/inbox/members/' + encodeURIComponent(id) + '/labels').then(function (r) {
      r.labels.forEach(function (l) {
        var c = el('span', 'label-chip contact', l.name);
        c.style.setProperty('--label', l.color);
        c.title = t('contact_label') + ': ' + l.name;
        row.appendChild(c);
      });
    }).catch(function () {});
  }

  // memberForm puts in card the form of a card: m's to edit, or a new one
  // (m null; ctx.unitID is the organisation to start with).
  ui.memberForm = function (card, m, ctx) {
    var isNew = !m;
    m = m || { unit_id: ctx.unitID || (ctx.units[0] && ctx.units[0].id) || '', kind: 'member', status: 'member', phones: [], emails: [],
      flags: [], consents: {}, custom: {}, activist: false };
    card.hidden = false;
    card.textContent = '';
    card.appendChild(el('h2', '', isNew ? t('crm_new_member') : m.full_name));
    if (!isNew) memberLabels(card, m.id);
    var form = el('form', 'crm-grid member-form');
    form.id = 'm-form';
    form.noValidate = true;
    var inputs = {};
    var text = function (name, label, opts) {
      opts = opts || {};
      var l = ui.cardField(label, name, opts.wide);
      var i = el(opts.area ? 'textarea' : 'input');
      if (opts.type) i.type = opts.type;
      if (opts.area) i.rows = 2;
      if (opts.max) i.maxLength = opts.max;
      i.name = name;
      i.value = opts.value !== undefined ? opts.value : (m[name] || '');
      l.insertBefore(i, l.lastChild);
      form.appendChild(l);
      inputs[name] = i;
      return i;
    };
    var select = function (name, label, options, value) {
      var l = ui.cardField(label, name);
      var s = el('select');
      s.name = name;
      options.forEach(function (o) { s.add(new Option(o[1], o[0])); });
      s.value = value;
      l.insertBefore(s, l.lastChild);
      form.appendChild(l);
      inputs[name] = s;
      return s;
    };
    text('surname', t('crm_surname') + ' *', { max: 100 });
    text('given_name', t('crm_given_name'), { max: 100 });
    text('patronymic', t('crm_patronymic'), { max: 100 });
    text('birth_date', t('crm_birth'), { type: 'date' });
    select('sex', t('crm_sex'), [['', '—'], ['m', t('crm_sex_m')], ['f', t('crm_sex_f')]], m.sex || '');
    var unit = select('unit_id', t('crm_unit') + ' *', ctx.units.map(function (u) { return [u.id, u.name]; }), m.unit_id);
    select('kind', t('crm_kind'), ['member', 'press', 'partner', 'prospect', 'other'].map(function (k) { return [k, t('crm_kind_' + k)]; }), m.kind);
    select('status', t('crm_status'), ['member', 'left', 'suspended', 'excluded', 'deceased'].map(function (k) { return [k, t('crm_status_' + k)]; }), m.status);
    text('phones', t('crm_phones'), { area: true, value: m.phones.join('\n') }).placeholder = t('crm_one_per_line');
    text('emails', t('crm_emails'), { area: true, value: m.emails.join('\n') }).placeholder = t('crm_one_per_line');
    text('workplace', t('crm_workplace'), { max: 300 });
    text('position', t('crm_position'), { max: 300 });
    text('industry', t('crm_industry'), { max: 200 });
    text('card_number', t('crm_card_no'), { max: 50 });
    text('discount_card', t('crm_discount'), { max: 50 });
    text('joined_on', t('crm_joined'), { type: 'date' });
    text('left_on', t('crm_left_on'), { type: 'date' });
    text('left_reason', t('crm_left_reason'), { max: 500 });
    var act = ui.cardField(t('crm_activist'), 'activist');
    act.classList.add('check');
    var actBox = el('input');
    actBox.type = 'checkbox'; actBox.name = 'activist'; actBox.checked = !!m.activist;
    act.insertBefore(actBox, act.firstChild);
    form.appendChild(act);
    text('flags', t('crm_flags'), { value: m.flags.join(', '), max: 1000 }).placeholder = t('crm_flags_hint');

    // Consents: processing and advertising with their dates, mailings by channel.
    // A group, not a label: a label around several inputs would toggle the first.
    var cons = el('div', 'wide consent-group');
    cons.dataset.field = 'consents';
    cons.appendChild(el('span', 'group-title', t('crm_consents')));
    var consErr = el('span', 'field-error');
    consErr.setAttribute('role', 'alert');
    cons.appendChild(consErr);
    var cbox = el('div', 'consents');
    var consentRow = function (key, label, c) {
      var r = el('div', 'row');
      var l = el('label', 'check');
      var b = el('input'); b.type = 'checkbox'; b.checked = !!(c && c.given); b.name = 'consent_' + key;
      l.appendChild(b); l.appendChild(document.createTextNode(' ' + label));
      var d = el('input'); d.type = 'date'; d.value = (c && c.date) || ''; d.name = 'consent_' + key + '_date';
      d.setAttribute('aria-label', label + ': ' + t('crm_consent_date'));
      r.appendChild(l); r.appendChild(d);
      cbox.appendChild(r);
      return function () { return b.checked || d.value ? { given: b.checked, date: d.value, source: (c && c.source) || '' } : null; };
    };
    var processing = consentRow('processing', t('crm_consent_processing'), m.consents.processing);
    var advertising = consentRow('advertising', t('crm_consent_advertising'), m.consents.advertising);
    var mrow = el('div', 'row');
    mrow.appendChild(el('span', 'muted', t('crm_consent_mailings') + ':'));
    var mail = {};
    CHANNELS.forEach(function (ch) {
      var l = el('label', 'check');
      var b = el('input'); b.type = 'checkbox'; b.name = 'mail_' + ch;
      var old = m.consents.mailings && m.consents.mailings[ch];
      b.checked = !!(old && old.given);
      l.appendChild(b); l.appendChild(document.createTextNode(' ' + t('crm_mail_' + ch)));
      mrow.appendChild(l);
      mail[ch] = { box: b, old: old };
    });
    cbox.appendChild(mrow);
    cons.insertBefore(cbox, cons.lastChild);
    form.appendChild(cons);

    // Custom fields of the chosen organisation, read again when it changes.
    var customBox = el('div', 'crm-grid wide custom-box');
    form.appendChild(customBox);
    var readCustom = function () { return {}; };
    var kept = {}; // values typed so far, kept across organisations
    var loadCustom = function () {
      var values = Object.assign({}, m.custom, kept);
      return ui.customFields('member', unit.value).then(function (fields) {
        customBox.textContent = '';
        if (fields.length) customBox.appendChild(el('h3', 'wide', t('crm_custom_fields')));
        readCustom = ui.customInputs(customBox, fields, values);
      }).catch(function (e) { customBox.textContent = e.message; });
    };
    unit.addEventListener('change', function () { Object.assign(kept, readCustom()); loadCustom(); });
    loadCustom();

    var row = el('div', 'row wide');
    var save = el('button', 'primary', isNew ? t('crm_create') : t('crm_save'));
    save.id = 'm-save';
    var cancel = button(t('crm_cancel'));
    var general = el('span', 'error form-error');
    general.setAttribute('role', 'alert');
    row.appendChild(save); row.appendChild(cancel); row.appendChild(general);
    form.appendChild(row);
    var dups = el('div', 'dups wide');
    form.appendChild(dups);
    card.appendChild(form);
    inputs.surname.focus();

    cancel.addEventListener('click', function () {
      if (isNew) { card.hidden = true; card.textContent = ''; } else ui.memberCard(card, m.id, ctx);
    });
    var body = function () {
      var b = {};
      ['surname', 'given_name', 'patronymic', 'birth_date', 'sex', 'unit_id', 'kind', 'status', 'workplace', 'position', 'industry',
        'card_number', 'discount_card', 'joined_on', 'left_on', 'left_reason'].forEach(function (k) { b[k] = inputs[k].value; });
      var lines = function (s) { return s.split(/[\n,;]+/).map(function (x) { return x.trim(); }).filter(Boolean); };
      b.phones = lines(inputs.phones.value);
      b.emails = lines(inputs.emails.value);
      b.flags = inputs.flags.value.split(',').map(function (x) { return x.trim(); }).filter(Boolean);
      b.activist = actBox.checked;
      var mailings = {};
      CHANNELS.forEach(function (ch) {
        if (mail[ch].box.checked || mail[ch].old) mailings[ch] = Object.assign({}, mail[ch].old || {}, { given: mail[ch].box.checked });
      });
      b.consents = { processing: processing(), advertising: advertising(), mailings: mailings };
      b.custom = readCustom();
      return b;
    };
    var submit = function (force) {
      ui.showFieldError(form, null);
      general.textContent = '';
      dups.textContent = '';
      save.disabled = true;
      var b = body();
      var req = isNew ? api('POST', '/api/v1/crm/members' + (force ? '?force=true' : ''), b)
        : api('PATCH', '/api/v1/crm/members/' + encodeURIComponent(m.id), b);
      req.then(function (u) {
        save.disabled = false;
        ctx.changed(u);
      }).catch(function (err) {
        save.disabled = false;
        if (err.status === 409 && err.body && err.body.candidates) return duplicates(err.body.candidates);
        ui.showFieldError(form, err);
      });
    };
    var duplicates = function (list) {
      dups.appendChild(el('p', '', t('crm_dups_card')));
      var ul = el('ul');
      list.forEach(function (c) {
        var li = el('li');
        var a = el('a', '', c.full_name + (c.birth_date ? ', ' + ui.day(c.birth_date) : '') + ' · ' + c.unit_name);
        a.href = '/members?id=' + encodeURIComponent(c.id);
        li.appendChild(a);
        ul.appendChild(li);
      });
      dups.appendChild(ul);
      var anyway = button(t('crm_create_anyway'));
      anyway.id = 'm-force';
      anyway.addEventListener('click', function () { submit(true); });
      dups.appendChild(anyway);
    };
    form.addEventListener('submit', function (e) { e.preventDefault(); submit(false); });
  };
})();
