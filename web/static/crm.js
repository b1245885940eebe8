// The member registry and the appeals: lists with the standard filters,
// filled from the CRM API; a row opens its card beside the list (a member's
// with the timeline). Everything is built as text, never as HTML.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var PAGE = 50;

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
  function head(table, cols) {
    table.textContent = '';
    var tr = el('tr');
    cols.forEach(function (c) { tr.appendChild(el('th', '', c)); });
    table.appendChild(tr);
  }

  // Click-to-call is offered only where a telephony channel is in the
  // caller's reach; the PBX rings the caller's extension, then the number.
  var canCall = null;
  function telephony() {
    if (!canCall) {
      canCall = api('GET', '/api/v1/inbox/channels').then(function (r) {
        return r.channels.some(function (c) { return c.kind === 'telephony' && !c.disabled; });
      }).catch(function () { return false; });
    }
    return canCall;
  }
  function phoneList(phones) {
    if (!phones || !phones.length) return '';
    var span = el('span', 'phones');
    phones.forEach(function (ph, i) {
      if (i) span.appendChild(document.createTextNode(', '));
      span.appendChild(el('span', '', ph));
      var b = el('button', 'crm-phone', '☎ ' + t('crm_call'));
      b.type = 'button';
      b.hidden = true;
      b.dataset.number = ph;
      b.addEventListener('click', function () {
        b.disabled = true;
        api('POST', '/api/v1/telephony/callback', { number: ph }).then(function () {
          b.textContent = '☎ ' + t('crm_calling');
        }).catch(function (e) { b.disabled = false; b.textContent = '☎ ' + t('crm_call'); b.title = e.message; alertLine(span, e.message); });
      });
      telephony().then(function (ok) { b.hidden = !ok; });
      span.appendChild(b);
    });
    return span;
  }
  function alertLine(after, text) {
    var p = el('span', 'error', ' ' + text);
    p.setAttribute('role', 'alert');
    after.appendChild(p);
  }

  // Members.
  var mp = document.getElementById('members-page');
  if (mp) {
    var form = document.getElementById('m-filters'), offset = 0, total = 0;
    var query = function () {
      var q = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (e) {
        if (!e.name || (e.type === 'checkbox' && !e.checked) || !e.value) return;
        // A custom field's value: custom.<key>=value (the option is key=value).
        if (e.name === 'custom') { var i = e.value.indexOf('='); q.set('custom.' + e.value.slice(0, i), e.value.slice(i + 1)); return; }
        q.set(e.name, e.value);
      });
      return q;
    };
    var load = function () {
      var q = query();
      document.getElementById('m-export').href = '/api/v1/crm/members/export?format=xlsx&' + q.toString();
      q.set('limit', PAGE); q.set('offset', offset);
      api('GET', '/api/v1/crm/members?' + q.toString()).then(function (r) {
        total = r.total;
        document.getElementById('m-total').textContent = t('crm_found') + ': ' + r.total +
          (r.total ? ' · ' + (offset + 1) + '–' + (offset + r.members.length) : '');
        var tb = document.getElementById('m-table');
        head(tb, [t('crm_name'), t('crm_unit'), t('crm_phones'), t('crm_card_no'), t('crm_birth')]);
        r.members.forEach(function (m) {
          var tr = el('tr', 'pick');
          var name = el('td', '', m.full_name);
          if (m.archived_at) name.appendChild(el('span', 'badge archived', t('crm_archived_badge')));
          tr.appendChild(name);
          tr.appendChild(el('td', 'muted', m.unit_name));
          tr.appendChild(el('td', '', m.phones.join(', ')));
          tr.appendChild(el('td', '', m.card_number));
          tr.appendChild(el('td', '', ui.day(m.birth_date)));
          tr.addEventListener('click', function () {
            Array.prototype.forEach.call(tb.querySelectorAll('tr.on'), function (x) { x.classList.remove('on'); });
            tr.classList.add('on');
            showMember(m.id);
          });
          tb.appendChild(tr);
        });
      }).catch(ui.fail(document.getElementById('m-total')));
    };
    // The card beside the list (crm_member.js): shown, edited, made new.
    var card = document.getElementById('m-card');
    var ctx = { units: [], canEdit: false, phoneList: phoneList,
      changed: function (m) { load(); showMember(m.id); } };
    // On a phone the card stands above the list (mobile.css): bring it into view.
    var showMember = function (id) {
      ui.memberCard(card, id, ctx).then(function () {
        if (window.matchMedia('(max-width: 640px)').matches) card.scrollIntoView({ block: 'start' });
      });
    };
    var newButton = document.getElementById('m-new');
    if (newButton) newButton.addEventListener('click', function () {
      Array.prototype.forEach.call(document.querySelectorAll('#m-table tr.on'), function (x) { x.classList.remove('on'); });
      ctx.unitID = form.elements.unit_id.value;
      ui.memberForm(card, null, ctx);
      card.scrollIntoView({ block: 'nearest' });
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); offset = 0; load(); });
    document.getElementById('m-prev').addEventListener('click', function () { if (offset > 0) { offset = Math.max(0, offset - PAGE); load(); } });
    document.getElementById('m-next').addEventListener('click', function () { if (offset + PAGE < total) { offset += PAGE; load(); } });
    ui.me().then(function (me) {
      // Executors only read the registry; the server refuses their edits anyway.
      ctx.canEdit = !!(me.user && me.user.role !== 'executor');
      // Saved filters (crm_saved.js): picked, saved, renamed, shared, deleted.
      return Promise.all([api('GET', '/api/v1/units'), ui.savedFilters(form, function () { offset = 0; load(); }, query)]);
    }).then(function (rs) {
      ctx.units = rs[0].units;
      rs[0].units.forEach(function (u) { form.elements.unit_id.add(new Option(u.name, u.id)); });
      // The custom fields with a few values (lists, yes/no) filter the list.
      ui.customFields('member').then(function (fields) {
        var sel = form.elements.custom;
        fields.forEach(function (f) {
          if (f.retired || (f.kind !== 'choice' && f.kind !== 'bool')) return;
          var values = f.kind === 'bool' ? [['true', t('crm_yes')], ['false', t('crm_no')]] : f.choices.map(function (c) { return [c, c]; });
          values.forEach(function (v) { sel.add(new Option(f.label + ': ' + v[1], f.key + '=' + v[0])); });
        });
        sel.hidden = sel.options.length < 2;
      }).catch(function () {});
      // From an organisation card (?unit_id=) or the console's link (?id=).
      var params = new URLSearchParams(location.search);
      if (params.get('unit_id')) form.elements.unit_id.value = params.get('unit_id');
      load();
      if (params.get('id')) showMember(params.get('id'));
    });
  }

  // Appeals.
  var ap = document.getElementById('appeals-page');
  if (ap) {
    var af = document.getElementById('a-filters');
    var loadAppeals = function () {
      var q = new URLSearchParams({ limit: 100 });
      var view = af.elements.view.value;
      if (view === 'open') q.set('open', 'true');
      if (view === 'overdue') q.set('overdue', 'true');
      if (view === 'mine') { q.set('mine', 'true'); q.set('open', 'true'); }
      if (af.elements.q.value) q.set('q', af.elements.q.value);
      if (af.elements.category_id.value) q.set('category_id', af.elements.category_id.value);
      api('GET', '/api/v1/crm/appeals?' + q.toString()).then(function (r) {
        document.getElementById('a-total').textContent = t('crm_found') + ': ' + r.total;
        var tb = document.getElementById('a-table');
        head(tb, [t('crm_number'), t('crm_subject'), t('crm_applicant'), t('crm_category'), t('crm_status'), t('crm_due')]);
        r.appeals.forEach(function (a) {
          var tr = el('tr', 'pick' + (a.overdue ? ' overdue' : ''));
          tr.appendChild(el('td', '', a.number));
          tr.appendChild(el('td', '', a.subject));
          tr.appendChild(el('td', '', a.member_name || a.applicant));
          tr.appendChild(el('td', '', a.category_name || ''));
          tr.appendChild(el('td', '', t('crm_appeal_' + a.status)));
          var due = el('td', '', ui.day(a.due_on));
          if (a.overdue) due.appendChild(el('span', 'badge overdue', ' ' + t('crm_overdue_badge')));
          tr.appendChild(due);
          tr.addEventListener('click', function () { showAppeal(a); });
          tb.appendChild(tr);
        });
      }).catch(ui.fail(document.getElementById('a-total')));
    };
    var showAppeal = function (a) {
      var card = document.getElementById('a-card');
      card.hidden = false;
      card.textContent = '';
      card.appendChild(el('h2', '', a.number + ' · ' + a.subject));
      var due = el('span', a.overdue ? 'overdue' : '', ui.day(a.due_on));
      if (a.overdue) due.appendChild(el('span', 'badge overdue', ' ' + t('crm_overdue_badge')));
      card.appendChild(dl([[t('crm_applicant'), a.member_name || a.applicant], [t('crm_unit'), a.unit_name],
        [t('crm_channel'), t('crm_ch_' + a.channel)], [t('crm_category'), a.category_name], [t('crm_topic'), a.topic],
        [t('crm_created'), ui.dateTime(a.created_at)], [t('crm_due'), due], [t('crm_responsible'), a.responsible_name],
        [t('crm_co_executors'), (a.co_executors || []).map(function (p) { return p.name; })]]));
      if (a.conversation_id) {
        var link = el('a', '', t('crm_conversation'));
        link.href = '/inbox?c=' + encodeURIComponent(a.conversation_id);
        card.appendChild(link);
      }
      card.appendChild(el('p', 'text', a.text));
      var f = el('form', 'grid');
      var st = el('select'); st.name = 'status'; st.setAttribute('aria-label', t('crm_status'));
      ['new', 'in_progress', 'waiting', 'resolved', 'rejected'].forEach(function (s) {
        var o = new Option(t('crm_appeal_' + s), s); o.selected = s === a.status; st.add(o);
      });
      var res = el('textarea'); res.name = 'resolution'; res.rows = 3; res.value = a.resolution || ''; res.placeholder = t('crm_resolution');
      var btn = el('button', 'primary', t('crm_save')), msg = el('span', 'muted a-msg form-error');
      f.appendChild(st);
      var extra = ui.appealFields(f, a);
      // The appeal's custom fields: their values on the card, inputs in the form.
      var customBox = el('div', 'crm-grid custom-box a-custom'), readCustom = function () { return {}; };
      ui.customFields('appeal', a.unit_id).then(function (fields) {
        var pairs = fields.map(function (cf) { return [cf.label, ui.customText(cf, (a.custom || {})[cf.key])]; });
        card.insertBefore(dl(pairs), f);
        readCustom = ui.customInputs(customBox, fields, a.custom);
      }).catch(function () {});
      f.appendChild(customBox);
      // The resolution with its place for the server's message.
      var resBox = ui.cardField('', 'resolution', true);
      resBox.insertBefore(res, resBox.lastChild);
      f.appendChild(resBox); f.appendChild(btn); f.appendChild(msg);
      f.addEventListener('submit', function (e) {
        e.preventDefault();
        var body = extra();
        body.status = st.value; body.resolution = res.value; body.custom = readCustom();
        ui.showFieldError(f, null);
        api('PATCH', '/api/v1/crm/appeals/' + a.id, body).then(function (u) {
          msg.textContent = t('crm_saved'); loadAppeals(); showAppeal(u);
        }).catch(function (err) { ui.showFieldError(f, err); });
      });
      card.appendChild(f);
      // A secretary registers the appeal as an incoming document (it stays
      // linked: the document and the appeal share the member's timeline).
      if (canRegister) {
        var reg = el('button', '', t('crm_to_document')), rmsg = el('span', 'muted');
        reg.type = 'button'; reg.id = 'a-to-document';
        reg.addEventListener('click', function () {
          reg.disabled = true;
          api('POST', '/api/v1/workflow/appeals/' + encodeURIComponent(a.id) + '/document', {}).then(function (d) {
            location.href = '/documents#doc/' + encodeURIComponent(d.id);
          }).catch(function (err) { reg.disabled = false; rmsg.textContent = err.message; });
        });
        var p = el('p'); p.appendChild(reg); p.appendChild(rmsg);
        card.appendChild(p);
      }
      ui.appealCard(card, a);
    };
    var canRegister = false;
    af.addEventListener('submit', function (e) { e.preventDefault(); loadAppeals(); });
    // A new appeal filed by hand (crm_appeal_new.js) opens in the list.
    document.addEventListener('profhub:appeal', function (e) {
      af.elements.view.value = 'open'; af.elements.q.value = '';
      loadAppeals(); showAppeal(e.detail);
    });
    af.elements.view.addEventListener('change', loadAppeals);
    af.elements.category_id.addEventListener('change', loadAppeals);
    ui.me().then(function (me) {
      ui.appealCategories().then(function (r) {
        r.categories.forEach(function (c) { af.elements.category_id.add(new Option(c.name, c.id)); });
      }).catch(function () {});
      ui.appealCategoryAdmin(document.getElementById('a-categories'));
      canRegister = me.user && (me.user.role === 'secretary' || me.user.role === 'administrator');
      loadAppeals();
      var id = new URLSearchParams(location.search).get('id'); // from a member's timeline
      if (id) api('GET', '/api/v1/crm/appeals/' + encodeURIComponent(id)).then(showAppeal).catch(function () {});
    });
  }
})();
