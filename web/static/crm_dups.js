// Duplicates and their merge. /members/duplicates lists the likely
// duplicates of the user's organisations (the same phone, e-mail, or name
// and birth date), each pair with a link to /members/merge?a=…&b=…, which
// shows both cards side by side: the user picks the card that stays and,
// for each field the cards differ in, whose value to keep; the lists
// (phones, e-mails, roles) may also be joined. The server moves appeals,
// conversations, calls, documents, consents and history to the card that
// stays and deletes the other. Everything is built as text, never as HTML.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  function $(id) { return document.getElementById(id); }
  function shown(v) { return v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length) ? '—' : (Array.isArray(v) ? v.join(', ') : String(v)); }

  // --- the list of likely duplicates ---------------------------------------
  if ($('dups-page')) {
    var brief = function (m) {
      var box = el('div', 'dup-card');
      var name = el('a', 'dup-name', m.full_name);
      name.href = '/members?id=' + encodeURIComponent(m.id);
      box.appendChild(name);
      [m.unit_name, m.birth_date ? t('crm_birth') + ': ' + ui.day(m.birth_date) : '', (m.phones || []).join(', '), (m.emails || []).join(', '),
        m.card_number ? t('crm_card_no') + ': ' + m.card_number : ''].forEach(function (line) {
        if (line) box.appendChild(el('div', 'muted', line));
      });
      return box;
    };
    ui.api('GET', '/api/v1/crm/members/duplicates?limit=200').then(function (d) {
      $('dup-total').textContent = d.pairs.length ? t('dup_total') + ': ' + d.pairs.length + (d.more ? ' · ' + t('dup_more') : '') : t('dup_none');
      var list = $('dup-list');
      d.pairs.forEach(function (p) {
        var li = el('li', 'card dup-pair');
        li.dataset.a = p.a.id;
        li.dataset.b = p.b.id;
        var why = el('div', 'dup-reasons');
        p.reasons.forEach(function (r) { why.appendChild(el('span', 'badge', t('dup_reason_' + r))); });
        li.appendChild(why);
        var both = el('div', 'dup-cards');
        both.appendChild(brief(p.a));
        both.appendChild(brief(p.b));
        li.appendChild(both);
        var go = el('a', 'button primary dup-merge', t('dup_compare'));
        go.href = '/members/merge?a=' + encodeURIComponent(p.a.id) + '&b=' + encodeURIComponent(p.b.id);
        li.appendChild(go);
        list.appendChild(li);
      });
    }).catch(ui.fail($('dup-error')));
  }

  // --- the merge page ---------------------------------------------------------
  if (!$('merge-page')) return;
  var CHANNELS = ['sms', 'email', 'telegram', 'vk', 'phone', 'post'];
  var LISTS = ['phones', 'emails', 'flags'];
  // The fields compared, in the card's order, with their names and how a
  // value reads.
  var FIELDS = [
    ['unit_id', 'crm_unit', function (m) { return m.unit_name; }],
    ['surname', 'crm_surname'], ['given_name', 'crm_given_name'], ['patronymic', 'crm_patronymic'],
    ['birth_date', 'crm_birth', function (m) { return ui.day(m.birth_date); }],
    ['sex', 'crm_sex', function (m) { return m.sex ? t('crm_sex_' + m.sex) : ''; }],
    ['phones', 'crm_phones'], ['emails', 'crm_emails'], ['workplace', 'crm_workplace'], ['position', 'crm_position'],
    ['industry', 'crm_industry'], ['kind', 'crm_kind', function (m) { return t('crm_kind_' + m.kind); }],
    ['status', 'crm_status', function (m) { return t('crm_status_' + m.status); }],
    ['joined_on', 'crm_joined', function (m) { return ui.day(m.joined_on); }], ['left_on', 'crm_left_on', function (m) { return ui.day(m.left_on); }],
    ['left_reason', 'crm_left_reason'], ['card_number', 'crm_card_no'], ['discount_card', 'crm_discount'],
    ['activist', 'crm_activist', function (m) { return m.activist ? t('crm_yes') : t('crm_no'); }], ['flags', 'crm_flags']
  ];
  function consentText(m) {
    var c = m.consents || {}, out = [];
    if (c.processing && c.processing.given) out.push(t('crm_consent_processing'));
    if (c.advertising && c.advertising.given) out.push(t('crm_consent_advertising'));
    CHANNELS.forEach(function (ch) { if (c.mailings && c.mailings[ch] && c.mailings[ch].given) out.push(t('crm_mail_' + ch)); });
    return out;
  }
  function empty(v) { return v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && !v.length); }
  function same(a, b) { return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b); }

  var params = new URLSearchParams(location.search);
  var ids = [params.get('a'), params.get('b')];
  var error = $('mg-error');
  if (!ids[0] || !ids[1] || ids[0] === ids[1]) { ui.showError(error, t('mg_need_two')); return; }
  var cards = [], rows = [];

  ui.ready().then(function () {
    return Promise.all(ids.map(function (id) { return api('GET', '/api/v1/crm/members/' + encodeURIComponent(id)); }));
  }).then(function (ms) {
    cards = ms;
    return ui.customFields('member').catch(function () { return []; });
  }).then(function (fields) { build(fields); }, function (err) {
    ui.showError(error, err && err.status === 404 ? t('mg_not_found') : (err && err.message) || String(err));
  });

  // radio makes one choice of a row: the card (0, 1) or 'both'.
  function radio(name, value, checked) {
    var r = el('input');
    r.type = 'radio';
    r.name = name;
    r.value = value;
    r.checked = !!checked;
    return r;
  }
  function choiceCell(name, value, text, checked) {
    var td = el('td', 'mg-value');
    var label = el('label', 'mg-pick');
    label.appendChild(radio(name, value, checked));
    label.appendChild(el('span', '', text));
    td.appendChild(label);
    return td;
  }

  function build(fields) {
    var a = cards[0], b = cards[1], tb = $('mg-table');
    tb.textContent = '';
    var head = el('tr');
    head.appendChild(el('th', '', t('mg_field')));
    [a, b].forEach(function (m, i) {
      var th = el('th', 'mg-head');
      th.appendChild(el('div', 'muted', t('mg_card') + ' ' + (i + 1)));
      th.appendChild(el('div', '', m.full_name));
      head.appendChild(th);
    });
    tb.appendChild(head);
    // Which card stays (keeps its id, its links and its history).
    var sr = el('tr', 'mg-survivor');
    sr.appendChild(el('th', '', t('mg_survivor')));
    sr.firstChild.scope = 'row';
    sr.appendChild(choiceCell('survivor', '0', t('mg_stays'), true));
    sr.appendChild(choiceCell('survivor', '1', t('mg_stays'), false));
    tb.appendChild(sr);

    var all = FIELDS.slice();
    var labels = {};
    fields.forEach(function (f) { labels[f.key] = f; });
    var keys = {};
    Object.keys(a.custom || {}).concat(Object.keys(b.custom || {})).forEach(function (k) { keys[k] = true; });
    Object.keys(keys).sort().forEach(function (k) {
      var f = labels[k] || { key: k, label: k, kind: 'text' };
      all.push(['custom.' + k, null, function (m) { return ui.customText(f, (m.custom || {})[k]); }, f.label]);
    });
    rows = [];
    all.forEach(function (spec) {
      var name = spec[0], read = spec[2] || function (m) { return m[name]; };
      var raw = function (m) { return name.indexOf('custom.') === 0 ? (m.custom || {})[name.slice(7)] : m[name]; };
      var va = raw(a), vb = raw(b);
      var tr = el('tr');
      tr.dataset.field = name;
      var th = el('th', '', spec[3] || t(spec[1]));
      th.scope = 'row';
      tr.appendChild(th);
      if (same(va, vb) || (empty(va) && empty(vb))) {
        tr.className = 'mg-same';
        var td = el('td', 'mg-value', shown(read(a)));
        td.colSpan = 2;
        tr.appendChild(td);
        tb.appendChild(tr);
        return;
      }
      var list = LISTS.indexOf(name) >= 0;
      tr.className = 'mg-differs';
      tr.appendChild(choiceCell('f.' + name, '0', shown(read(a)), false));
      tr.appendChild(choiceCell('f.' + name, '1', shown(read(b)), false));
      if (list) {
        var both = el('label', 'mg-pick mg-both');
        both.appendChild(radio('f.' + name, 'both', true));
        both.appendChild(el('span', '', t('mg_both')));
        th.appendChild(both);
      }
      rows.push({ name: name, list: list, a: va, b: vb });
      tb.appendChild(tr);
    });
    // Consents are joined: each the card that stays lacks comes from the other.
    var ctr = el('tr', 'mg-same');
    var cth = el('th', '', t('crm_consents'));
    cth.scope = 'row';
    ctr.appendChild(cth);
    var joined = consentText(a);
    consentText(b).forEach(function (c) { if (joined.indexOf(c) < 0) joined.push(c); });
    var ctd = el('td', 'mg-value', shown(joined) + ' · ' + t('mg_consents_joined'));
    ctd.colSpan = 2;
    ctr.appendChild(ctd);
    tb.appendChild(ctr);
    defaults(0);
    tb.querySelectorAll('input[name=survivor]').forEach(function (r) {
      r.addEventListener('change', function () { defaults(+r.value); });
    });
    $('mg-form').hidden = false;
  }

  // defaults picks what the server would keep: the staying card's value,
  // or the other's where the staying card has none; lists are joined.
  function defaults(stay) {
    rows.forEach(function (r) {
      if (r.list) return;
      var pick = empty(stay === 0 ? r.a : r.b) ? 1 - stay : stay;
      var input = document.querySelector('input[name="f.' + r.name + '"][value="' + pick + '"]');
      if (input) input.checked = true;
    });
  }

  $('mg-form').addEventListener('submit', function (e) {
    e.preventDefault();
    error.hidden = true;
    var stay = +document.querySelector('input[name=survivor]:checked').value;
    var choose = {};
    rows.forEach(function (r) {
      var picked = document.querySelector('input[name="f.' + r.name + '"]:checked');
      if (!picked) return;
      choose[r.name] = picked.value === 'both' ? 'both' : (+picked.value === stay ? 'keep' : 'drop');
    });
    if (!window.confirm(t('mg_confirm'))) return;
    var keep = cards[stay], drop = cards[1 - stay];
    var button = $('mg-merge');
    button.disabled = true;
    api('POST', '/api/v1/crm/members/' + encodeURIComponent(keep.id) + '/merge', { drop_id: drop.id, choose: choose }).then(function (m) {
      location.href = '/members?id=' + encodeURIComponent(m.id) + '&flash=members_merged';
    }).catch(function (err) {
      ui.showError(error, err);
      button.disabled = false;
    });
  });
})();
