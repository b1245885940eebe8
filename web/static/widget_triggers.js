// A widget channel's proactive messages (the triggers the widget evaluates
// in the visitor's browser, with their shows and answers) and its
// transcripts by e-mail (the mailbox and the letter on close), on the
// lines page: lines.js adds the button to each widget channel. Text is
// always inserted as text, never as HTML.
(function () {
  'use strict';
  var ui = window.profhub;
  if (!ui || !document.getElementById('wt-dialog')) return;
  var t = ui.t, el = ui.el, api = ui.api;
  function $(id) { return document.getElementById(id); }
  var channel = null, editing = null, after = null;
  var form = $('wt-form'), mail = $('wt-mail');

  function path(id) { return '/api/v1/widget/channels/' + channel.id + '/triggers' + (id ? '/' + id : ''); }
  function visitorsText(v) { return t('wt_visitors_' + v); }

  function load() {
    return api('GET', path()).then(function (r) {
      var tb = $('wt-rows');
      tb.textContent = '';
      r.triggers.forEach(function (tr) {
        var row = el('tr', tr.enabled ? '' : 'off');
        row.appendChild(el('td', '', tr.url_pattern || t('wt_any_page')));
        row.appendChild(el('td', '', tr.after_s + ' ' + t('sec')));
        row.appendChild(el('td', '', visitorsText(tr.visitors)));
        var text = el('td', 'wt-text');
        text.appendChild(el('strong', '', (tr.sender_name || channel.name) + ': '));
        text.appendChild(document.createTextNode(tr.text));
        row.appendChild(text);
        row.appendChild(el('td', 'wt-shows', String(tr.shows)));
        row.appendChild(el('td', 'wt-answers', String(tr.answers)));
        var td = el('td');
        var ed = el('button', '', t('wt_edit'));
        ed.type = 'button';
        ed.addEventListener('click', function () { edit(tr); });
        var rm = el('button', 'danger', t('wt_delete'));
        rm.type = 'button';
        rm.addEventListener('click', function () {
          if (!confirm(t('wt_confirm_delete'))) return;
          api('DELETE', path(tr.id)).then(load).catch(ui.fail($('wt-msg')));
        });
        td.appendChild(ed);
        td.appendChild(rm);
        row.appendChild(td);
        tb.appendChild(row);
      });
      if (!r.triggers.length) {
        var empty = el('tr');
        var cell = el('td', 'muted', t('wt_none'));
        cell.colSpan = 7;
        empty.appendChild(cell);
        tb.appendChild(empty);
      }
    }).catch(ui.fail($('wt-msg')));
  }

  function edit(tr) {
    editing = tr;
    var f = form.elements, d = tr || { url_pattern: '', after_s: 10, visitors: 'all', once_days: 7, sender_name: '', text: '', enabled: true };
    f.url_pattern.value = d.url_pattern;
    f.after_s.value = d.after_s;
    f.visitors.value = d.visitors;
    f.once_days.value = d.once_days;
    f.sender_name.value = d.sender_name;
    f.text.value = d.text;
    f.enabled.checked = !!d.enabled;
    $('wt-msg').textContent = '';
    if (tr) f.text.focus();
  }
  $('wt-new').addEventListener('click', function () { edit(null); });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = form.elements;
    var body = { url_pattern: f.url_pattern.value.trim(), after_s: Number(f.after_s.value), visitors: f.visitors.value,
      once_days: Number(f.once_days.value), sender_name: f.sender_name.value.trim(), text: f.text.value.trim(), enabled: f.enabled.checked };
    (editing ? api('PUT', path(editing.id), body) : api('POST', path(), body)).then(function () {
      edit(null);
      $('wt-msg').textContent = t('saved');
      return load();
    }).catch(ui.fail($('wt-msg')));
  });

  // The mailbox that sends the letters, and the letter on every close.
  mail.addEventListener('submit', function (e) {
    e.preventDefault();
    var settings = { offline_mail_channel: mail.elements.offline_mail_channel.value,
      transcript_on_close: mail.elements.transcript_on_close.checked ? 'true' : 'false' };
    api('PATCH', '/api/v1/inbox/channels/' + channel.id, { settings: settings }).then(function (c) {
      channel.settings = (c && c.settings) || Object.assign({}, channel.settings, settings);
      $('wt-mail-msg').textContent = t('saved');
      if (after) after();
    }).catch(ui.fail($('wt-mail-msg')));
  });
  $('wt-close').addEventListener('click', function () { $('wt-dialog').close(); });

  function open(c, reload) {
    channel = c;
    after = reload;
    $('wt-channel').textContent = '· ' + c.name;
    $('wt-mail-msg').textContent = '';
    var sel = mail.elements.offline_mail_channel, s = c.settings || {};
    api('GET', '/api/v1/inbox/channels').then(function (r) {
      sel.length = 1;
      r.channels.filter(function (x) { return x.kind === 'mail'; }).forEach(function (x) { sel.add(new Option(x.name, x.id)); });
      sel.value = s.offline_mail_channel || '';
    }).catch(function () {});
    mail.elements.transcript_on_close.checked = s.transcript_on_close === 'true';
    edit(null);
    load();
    $('wt-dialog').showModal();
  }

  ui.widgetTriggers = {
    button: function (c, reload) {
      var b = el('button', 'link wt-open', t('wt_button'));
      b.type = 'button';
      b.addEventListener('click', function () { open(c, reload); });
      return b;
    }
  };
})();
