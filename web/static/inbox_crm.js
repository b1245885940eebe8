// The CRM part of the operators' console: for the open conversation, a link
// to the card its contact is linked to, or "Make a card" for an unknown
// person (offering the probable duplicates to link instead), "Create
// appeal" from the conversation, and the appeals already made from it.
// inbox.js announces every opened conversation with 'profhub:conversation'.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  function $(id) { return document.getElementById(id); }
  if (!$('crm-box')) return;
  var conv = null, executor = false;
  // Executors may not edit the registry: no "Make a card" for them.
  api('GET', '/api/v1/me').then(function (r) { executor = r.user.role === 'executor'; }).catch(function () {});

  function showMember(m) {
    $('crm-member').hidden = !m;
    $('act-card').hidden = !!m || executor;
    if (m) {
      $('crm-member-link').textContent = m.full_name + (m.unit_name ? ' · ' + m.unit_name : '');
      $('crm-member-link').href = '/members?id=' + encodeURIComponent(m.id);
    }
    officeButton(m);
  }
  // The member's office: an operator who knows the member links the
  // Telegram or VK chat to the card by hand, as the member's code would.
  function officeButton(m) {
    var old = $('crm-member-office');
    if (old) old.remove();
    if (!m || !conv || (conv.channel_kind !== 'telegram' && conv.channel_kind !== 'vk')) return;
    var b = el('button', '', t('office_link'));
    b.type = 'button';
    b.id = 'crm-member-office';
    var c = conv;
    b.addEventListener('click', function () {
      b.disabled = true;
      api('POST', '/api/v1/memberbot/links', { conversation_id: c.id, member_id: m.id }).then(function () {
        ui.toast(t('office_linked'));
        b.remove();
      }).catch(function (e) { b.disabled = false; ui.toast(e.message); });
    });
    $('crm-member').appendChild(b);
  }
  function loadAppeals(c) {
    return api('GET', '/api/v1/crm/appeals?limit=20&conversation_id=' + encodeURIComponent(c.id)).then(function (r) {
      if (!conv || conv.id !== c.id) return;
      var ul = $('crm-appeals');
      ul.textContent = '';
      r.appeals.forEach(function (a) {
        var li = el('li'), link = el('a', '', a.number + ' · ' + a.subject + ' · ' + t('crm_appeal_' + a.status));
        link.href = '/appeals?id=' + encodeURIComponent(a.id);
        li.appendChild(link);
        ul.appendChild(li);
      });
    });
  }
  // The contact's own details (a widget visitor's pre-chat form) and the
  // cards of the operator's scope with the same phone or e-mail, to link
  // with one click or dismiss; the server proposes nothing outside it.
  function showContact(c, r) {
    var box = $('crm-visitor'), dl = $('crm-visitor-fields'), ul = $('crm-proposal-list');
    dl.textContent = '';
    ul.textContent = '';
    [['crm_visitor_name', r.from_form && r.name], ['crm_visitor_phone', r.phone], ['crm_visitor_email', r.email],
      ['crm_visitor_topic', r.topic]].forEach(function (f) {
      if (!f[1]) return;
      dl.appendChild(el('dt', '', t(f[0])));
      dl.appendChild(el('dd', '', f[1]));
    });
    $('crm-visitor-title').textContent = t(r.from_form ? 'crm_visitor_form' : 'crm_visitor_contact');
    (r.proposals || []).forEach(function (p) {
      var li = el('li', 'crm-proposal'), a = el('a', '', p.full_name);
      a.href = '/members?id=' + encodeURIComponent(p.member_id);
      li.appendChild(a);
      li.appendChild(el('span', 'muted', [p.unit_name, ui.day(p.birth_date), t('crm_proposal_by_' + p.matched_by)].filter(Boolean).join(' · ')));
      var row = el('div', 'row'), yes = el('button', 'primary', t('crm_proposal_link')), no = el('button', '', t('crm_proposal_dismiss'));
      yes.type = no.type = 'button';
      yes.addEventListener('click', function () {
        yes.disabled = no.disabled = true;
        api('POST', '/api/v1/crm/conversations/' + encodeURIComponent(c.id) + '/contact/link', { member_id: p.member_id }).then(function (x) {
          if (!conv || conv.id !== c.id) return;
          $('crm-proposals').hidden = true;
          showMember(x.member);
          ui.toast(t('crm_proposal_linked'));
        }).catch(function (e) { yes.disabled = no.disabled = false; ui.toast(e.message); });
      });
      no.addEventListener('click', function () {
        yes.disabled = no.disabled = true;
        api('DELETE', '/api/v1/crm/conversations/' + encodeURIComponent(c.id) + '/contact/proposals/' + encodeURIComponent(p.member_id)).then(function () {
          li.remove();
          $('crm-proposals').hidden = !ul.children.length;
        }).catch(function (e) { yes.disabled = no.disabled = false; ui.toast(e.message); });
      });
      row.appendChild(yes);
      row.appendChild(no);
      li.appendChild(row);
      ul.appendChild(li);
    });
    $('crm-proposals').hidden = !ul.children.length;
    box.hidden = !dl.children.length && !ul.children.length;
  }
  // The conversation's custom fields (the entity "conversation"), typed
  // inputs as on the cards; the server checks them and names the field
  // it refuses, which is shown beside it.
  var ff = $('conv-fields'), readFields = null;
  function loadFields(c) {
    return api('GET', '/api/v1/crm/conversations/' + encodeURIComponent(c.id) + '/fields').then(function (r) {
      if (!conv || conv.id !== c.id) return;
      showFields(r);
    });
  }
  function showFields(r) {
    var box = $('conv-fields-inputs');
    box.textContent = '';
    ui.showFieldError(ff, null);
    ff.querySelector('.form-error').textContent = '';
    readFields = r.fields.length && ui.customInputs ? ui.customInputs(box, r.fields, r.values) : null;
    ff.hidden = !readFields;
  }
  ff.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!conv || !readFields) return;
    var c = conv;
    ff.querySelector('.form-error').textContent = '';
    $('conv-fields-save').disabled = true;
    api('PUT', '/api/v1/crm/conversations/' + encodeURIComponent(c.id) + '/fields', { values: readFields() }).then(function (r) {
      if (!conv || conv.id !== c.id) return;
      showFields(r);
      ui.toast(t('conv_fields_saved'));
    }).catch(function (err) { ui.showFieldError(ff, err); }).finally(function () { $('conv-fields-save').disabled = false; });
  });

  function refresh(c) {
    conv = c;
    ff.hidden = true;
    $('crm-visitor').hidden = true;
    $('crm-member').hidden = true;
    $('act-card').hidden = true;
    $('crm-appeals').textContent = '';
    api('GET', '/api/v1/crm/conversations/' + encodeURIComponent(c.id) + '/member').then(function (r) {
      if (conv && conv.id === c.id) showMember(r.member);
    }).catch(function () {});
    api('GET', '/api/v1/crm/conversations/' + encodeURIComponent(c.id) + '/contact').then(function (r) {
      if (conv && conv.id === c.id) showContact(c, r);
    }).catch(function () {});
    loadAppeals(c).catch(function () {});
    loadFields(c).catch(function () {});
  }
  document.addEventListener('profhub:conversation', function (e) { refresh(e.detail); });

  // Create appeal: the conversation's inbound messages become its text on
  // the server; subject and topic may be left for it to fill.
  var af = $('appeal-form'), catsLoaded = false;
  $('act-appeal').addEventListener('click', function () {
    if (!conv) return;
    // The category gives the due date (categories in use, loaded once).
    if (!catsLoaded) {
      catsLoaded = true;
      api('GET', '/api/v1/crm/appeal-categories').then(function (r) {
        r.categories.forEach(function (k) { af.elements.category_id.add(new Option(k.name, k.id)); });
      }).catch(function () { catsLoaded = false; });
    }
    af.reset();
    $('appeal-error').textContent = '';
    af.elements.subject.value = conv.subject || '';
    $('appeal-dialog').showModal();
  });
  $('appeal-dialog').addEventListener('close', function () {
    if ($('appeal-dialog').returnValue !== 'ok' || !conv) return;
    var c = conv, body = { priority: Number(af.elements.priority.value) };
    if (af.elements.subject.value.trim()) body.subject = af.elements.subject.value.trim();
    if (af.elements.topic.value.trim()) body.topic = af.elements.topic.value.trim();
    if (af.elements.category_id.value) body.category_id = af.elements.category_id.value;
    api('POST', '/api/v1/crm/appeals/from-conversation/' + encodeURIComponent(c.id), body).then(function () {
      refresh(c);
    }).catch(function (e) {
      $('appeal-error').textContent = e.message;
      $('appeal-dialog').showModal();
    });
  });

  // Make a card: empty fields are taken from the contact by the server; a
  // probable duplicate answers 409 with the cards it resembles, which the
  // operator links instead, or creates the card anyway.
  var cf = $('card-form');
  function cardBody() {
    var b = { kind: cf.elements.kind.value };
    ['surname', 'given_name', 'patronymic', 'birth_date'].forEach(function (k) {
      var v = cf.elements[k].value.trim();
      if (v) b[k] = v;
    });
    return b;
  }
  function linkTo(m) {
    var c = conv;
    api('POST', '/api/v1/inbox/conversations/' + encodeURIComponent(c.id) + '/member', { member_id: m.id }).then(function () {
      $('card-dialog').close('done');
      refresh(c);
    }).catch(ui.fail($('card-error')));
  }
  function create(force) {
    var c = conv;
    $('card-error').textContent = '';
    api('POST', '/api/v1/crm/conversations/' + encodeURIComponent(c.id) + '/card' + (force ? '?force=true' : ''), cardBody()).then(function (m) {
      $('card-dialog').close('done');
      showMember(m);
    }).catch(function (e) {
      var cands = e.status === 409 && e.body && e.body.candidates;
      if (!cands || !cands.length) { $('card-error').textContent = e.message; return; }
      var ul = $('card-dup-list');
      ul.textContent = '';
      cands.forEach(function (m) {
        var li = el('li'), b = el('button', '', t('crm_link_this'));
        b.type = 'button';
        b.addEventListener('click', function () { linkTo(m); });
        li.appendChild(el('span', '', [m.full_name, m.unit_name, ui.day(m.birth_date), (m.phones || []).join(', ')].filter(Boolean).join(' · ') + ' '));
        li.appendChild(b);
        ul.appendChild(li);
      });
      $('card-dups').hidden = false;
      $('card-force').hidden = false;
    });
  }
  $('act-card').addEventListener('click', function () {
    if (!conv) return;
    cf.reset();
    $('card-error').textContent = '';
    $('card-dups').hidden = true;
    $('card-force').hidden = true;
    // The contact's name as a Russian form reads it: surname, name, patronymic.
    var parts = (conv.contact_name || '').trim().split(/\s+/).filter(Boolean);
    if (parts.length > 1) {
      cf.elements.surname.value = parts[0];
      cf.elements.given_name.value = parts[1];
      cf.elements.patronymic.value = parts.slice(2).join(' ');
    } else if (parts.length === 1) {
      cf.elements.surname.value = parts[0];
    }
    $('card-dialog').showModal();
  });
  $('card-create').addEventListener('click', function () { create(false); });
  $('card-force').addEventListener('click', function () { create(true); });
})();
