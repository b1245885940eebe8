// The staff's chats (/chat): the list with unread counts, the open chat's
// messages, the composer with "@" completion among the chat's members,
// replies, files, edits and deletions, history search and new chats.
// Everything comes from the chat API (package chat); new messages arrive
// over its socket through profhub.live, which resumes from the last event
// it saw, so a dropped connection loses nothing and a message already
// shown is replaced in place, never shown twice. On a phone the list and
// the open chat are two screens (.chat-open on the page).
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el;
  var page = document.getElementById('chat-page');
  if (!page) return;
  var $ = function (id) { return document.getElementById(id); };
  var items = $('chat-items'), pane = $('chat-messages'), form = $('chat-composer'), text = $('chat-text');
  var menu = $('chat-mentions'), bar = $('chat-bar'), attached = $('chat-attached'), errBox = $('chat-error');
  var me = '', pendingFind = '', chats = [], current = null, members = [], files = [], mentioned = {}, replyTo = null, editing = null, shared = null;
  var linkKinds = { conversation: 'chat_link_conversation', appeal: 'chat_link_appeal', document: 'chat_link_document', task: 'chat_link_task' };

  // --- the list -------------------------------------------------------------
  function loadChats() {
    return ui.api('GET', '/api/v1/chat/chats').then(function (r) { chats = r.chats; drawList(); });
  }
  var listTimer;
  // A failed reload (the network gone) waits for the next event or resync.
  function reloadSoon() { clearTimeout(listTimer); listTimer = setTimeout(function () { loadChats().catch(function () {}); }, 150); }

  function preview(s) {
    if (s === '\u0000deleted') return t('chat_deleted');
    if (s === '\u0000file') return t('chat_file');
    if (s === '\u0000link') return t('chat_link');
    return s || '';
  }
  function drawList() {
    items.textContent = '';
    chats.forEach(function (c) {
      var li = el('li', 'chat-item' + (current && current.id === c.id ? ' on' : ''));
      var a = el('a');
      a.href = '#' + c.id;
      a.dataset.chat = c.id;
      var top = el('div', 'chat-item-top');
      top.appendChild(el('b', 'chat-item-title', c.title));
      if (c.last_at) top.appendChild(el('time', 'muted', ui.recent(c.last_at)));
      a.appendChild(top);
      var bottom = el('div', 'chat-item-bottom');
      var last = preview(c.last_text);
      bottom.appendChild(el('span', 'chat-item-last muted', last ? (c.last_from ? c.last_from.split(' ')[0] + ': ' : '') + last : t('chat_kind_' + c.kind)));
      if (c.unread > 0 && !(current && current.id === c.id)) {
        var u = el('b', 'chat-unread', c.unread);
        u.setAttribute('aria-label', t('chat_unread') + ': ' + c.unread);
        bottom.appendChild(u);
      }
      a.appendChild(bottom);
      li.appendChild(a);
      items.appendChild(li);
    });
  }

  // --- the open chat --------------------------------------------------------
  function open(id) {
    if (!id) { page.classList.remove('chat-open'); return Promise.resolve(); }
    return ui.api('GET', '/api/v1/chat/chats/' + id).then(function (r) {
      current = r.chat;
      members = r.chat.members;
      $('chat-title').textContent = current.title;
      $('call-buttons').hidden = members.length < 2 || members.length > 4; // calls.go: MaxCallSize
      $('chat-people').textContent = members.length + ' · ' + members.map(function (m) { return m.surname; }).join(', ');
      page.classList.add('chat-open');
      form.hidden = false;
      resetComposer();
      drawList();
      return ui.api('GET', '/api/v1/chat/chats/' + id + '/messages');
    }).then(function (r) {
      pane.textContent = '';
      if (!r) return;
      if (r.messages.length === 50) pane.appendChild(olderButton(r.messages[0].num));
      r.messages.forEach(put);
      pane.scrollTop = pane.scrollHeight;
      var found = pendingFind && $('m-' + pendingFind);
      pendingFind = '';
      if (found) { found.classList.add('found'); found.scrollIntoView({ block: 'center' }); }
      markRead();
    }).catch(function (e) {
      current = null;
      pane.textContent = '';
      pane.appendChild(el('p', 'error', e.message));
      page.classList.add('chat-open');
      form.hidden = true;
    });
  }
  function olderButton(before) {
    var b = el('button', 'link chat-older', t('chat_older'));
    b.type = 'button';
    b.addEventListener('click', function () {
      ui.api('GET', '/api/v1/chat/chats/' + current.id + '/messages?before=' + before).then(function (r) {
        b.remove();
        var h = pane.scrollHeight;
        r.messages.forEach(put);
        if (r.messages.length === 50) pane.insertBefore(olderButton(r.messages[0].num), pane.firstChild);
        pane.scrollTop = pane.scrollHeight - h;
      }, ui.fail());
    });
    return b;
  }
  function lastNum() {
    var all = pane.querySelectorAll('.chat-msg');
    return all.length ? +all[all.length - 1].dataset.num : 0;
  }
  var readSent = 0;
  function markRead() {
    var n = lastNum();
    if (!current || document.hidden || n <= readSent && readSent) return;
    readSent = n;
    ui.api('POST', '/api/v1/chat/chats/' + current.id + '/read', { num: n }).then(reloadSoon, function () {});
  }
  document.addEventListener('visibilitychange', markRead);

  // put shows m in its place by number, replacing the shown copy if any:
  // an event that comes twice (a reply and the socket, a resumed stream)
  // is shown once.
  function put(m) {
    var node = draw(m), old = document.getElementById('m-' + m.id);
    if (old) { old.replaceWith(node); return; }
    var after = null;
    pane.querySelectorAll('.chat-msg').forEach(function (x) { if (+x.dataset.num > m.num && !after) after = x; });
    if (after) pane.insertBefore(node, after); else pane.appendChild(node);
  }

  function draw(m) {
    var mine = m.sender_id === me;
    var a = el('article', 'chat-msg' + (mine ? ' mine' : '') + (m.deleted ? ' deleted' : ''));
    a.id = 'm-' + m.id;
    a.dataset.num = m.num;
    var head = el('div', 'chat-msg-head');
    head.appendChild(el('b', '', m.from));
    head.appendChild(el('time', 'muted', ui.recent(m.at)));
    if (m.edited_at && !m.deleted) head.appendChild(el('span', 'chat-edited muted', t('chat_edited')));
    a.appendChild(head);
    if (m.reply_to) {
      var q = el('blockquote', 'chat-quote');
      q.appendChild(el('b', '', m.reply_to.from + ': '));
      q.appendChild(document.createTextNode(m.reply_to.deleted ? t('chat_deleted') : m.reply_to.text));
      q.addEventListener('click', function () { var x = $('m-' + m.reply_to.id); if (x) x.scrollIntoView({ block: 'center' }); });
      a.appendChild(q);
    }
    if (m.deleted) {
      a.appendChild(el('p', 'chat-text chat-gone', t('chat_deleted')));
      return a;
    }
    if (m.text) a.appendChild(textWithMentions(m));
    if (m.files && m.files.length) {
      var fl = el('div', 'chat-files');
      m.files.forEach(function (f) {
        var href = '/api/v1/chat/files/' + f.key;
        var link = el('a', 'chat-file');
        link.href = href;
        if (/^image\//.test(f.content_type)) {
          var img = el('img');
          img.src = href; img.alt = f.name; img.loading = 'lazy';
          link.appendChild(img);
          link.target = '_blank';
        } else {
          link.textContent = '📄 ' + f.name + ' · ' + size(f.size);
          link.setAttribute('download', f.name);
        }
        fl.appendChild(link);
      });
      a.appendChild(fl);
    }
    if (m.link) a.appendChild(card(m.link));
    var acts = el('div', 'chat-msg-actions');
    acts.appendChild(action(t('chat_reply'), function () { startReply(m); }));
    if (mine) {
      acts.appendChild(action(t('chat_edit'), function () { startEdit(m); }));
      acts.appendChild(action(t('chat_delete'), function () {
        if (!window.confirm(t('chat_delete_confirm'))) return;
        ui.api('DELETE', '/api/v1/chat/messages/' + m.id).then(function (r) { put(r.message); }, ui.fail());
      }));
    }
    a.appendChild(acts);
    return a;
  }
  function action(label, fn) {
    var b = el('button', 'link', label);
    b.type = 'button';
    b.addEventListener('click', fn);
    return b;
  }
  function textWithMentions(m) {
    var p = el('p', 'chat-text');
    var names = (m.mentions || []).map(function (x) { return x.name.split(' ')[0]; });
    var parts = m.text.split(/(@[A-Za-zА-Яа-яЁё_-]+)/);
    parts.forEach(function (s) {
      if (s.charAt(0) === '@' && names.indexOf(s.slice(1)) >= 0) p.appendChild(el('mark', 'chat-mention', s));
      else if (s) p.appendChild(document.createTextNode(s));
    });
    return p;
  }
  function card(l) {
    var c = el(l.visible ? 'a' : 'div', 'chat-card' + (l.visible ? '' : ' hidden-card'));
    if (l.visible) c.href = l.href;
    c.appendChild(el('span', 'chat-card-kind', t(linkKinds[l.kind] || 'chat_link')));
    c.appendChild(el('b', '', l.visible ? l.title : t('chat_link_hidden')));
    return c;
  }
  function size(n) {
    if (n < 1024) return n + ' ' + t('chat_bytes');
    if (n < 1 << 20) return Math.round(n / 1024) + ' ' + t('chat_kb');
    return (n / 1048576).toFixed(1) + ' ' + t('chat_mb');
  }

  // --- the composer ---------------------------------------------------------
  function resetComposer() {
    text.value = ''; files = []; mentioned = {}; replyTo = null; editing = null; shared = null;
    attached.textContent = ''; bar.hidden = true; menu.hidden = true; errBox.hidden = true; shareBox.hidden = true;
  }
  function showBar(label) { bar.firstChild.textContent = label; bar.hidden = false; text.focus(); }
  function startReply(m) { replyTo = m; editing = null; showBar(t('chat_replying') + ' ' + m.from + ': ' + (m.text || '').slice(0, 80)); }
  function startEdit(m) { editing = m; replyTo = null; text.value = m.text; showBar(t('chat_editing')); }
  $('chat-bar-cancel').addEventListener('click', function () { var keep = editing ? '' : text.value; resetComposer(); text.value = keep; });

  // linkIn finds a link to a conversation, appeal or document of this hub
  // in the text: such a link goes as a card.
  function linkIn(s) {
    var m = /\/inbox\?c=([0-9a-f-]{36})/.exec(s);
    if (m) return { kind: 'conversation', id: m[1] };
    if ((m = /\/appeals\?id=([0-9a-f-]{36})/.exec(s))) return { kind: 'appeal', id: m[1] };
    if ((m = /\/documents#doc\/([0-9a-f-]{36})/.exec(s))) return { kind: 'document', id: m[1] };
    if ((m = /\/documents#task\/([0-9a-f-]{36})/.exec(s))) return { kind: 'task', id: m[1] };
    return null;
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (!current) return;
    errBox.hidden = true;
    var body = text.value;
    var req;
    if (editing) {
      req = ui.api('PATCH', '/api/v1/chat/messages/' + editing.id, { text: body });
    } else {
      var ids = Object.keys(mentioned).filter(function (id) { return body.indexOf('@' + mentioned[id]) >= 0; });
      var msg = { text: body, files: files.map(function (f) { return f.key; }), mentions: ids };
      if (replyTo) msg.reply_to = replyTo.id;
      var l = shared || linkIn(body);
      if (l) msg.link = l;
      req = ui.api('POST', '/api/v1/chat/chats/' + current.id + '/messages', msg);
    }
    $('chat-send').disabled = true;
    req.then(function (r) {
      put(r.message);
      // What was typed while this one was sending is the next message:
      // keep it.
      var next = text.value === body ? '' : text.value;
      resetComposer();
      text.value = next;
      pane.scrollTop = pane.scrollHeight;
      markRead();
    }, ui.fail(errBox)).then(function () { $('chat-send').disabled = false; });
  });
  text.addEventListener('keydown', function (e) {
    if (!menu.hidden && (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Enter' || e.key === 'Tab' || e.key === 'Escape')) {
      e.preventDefault();
      var opts = menu.querySelectorAll('li'), i = [].indexOf.call(opts, menu.querySelector('.on'));
      if (e.key === 'Escape') { menu.hidden = true; return; }
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (i >= 0) opts[i].classList.remove('on');
        i = (i + (e.key === 'ArrowDown' ? 1 : opts.length - 1)) % opts.length;
        opts[i].classList.add('on');
        return;
      }
      (opts[i] || opts[0]).click();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  // "@" completion among the chat's members, by surname or given name.
  text.addEventListener('input', function () {
    var before = text.value.slice(0, text.selectionStart);
    var m = /(^|[^A-Za-zА-Яа-яЁё0-9_@.-])@([A-Za-zА-Яа-яЁё-]*)$/.exec(before);
    if (!m) { menu.hidden = true; return; }
    var q = m[2].toLowerCase();
    var found = members.filter(function (x) { return x.id !== me && x.name.toLowerCase().split(' ').some(function (w) { return w.indexOf(q) === 0; }); });
    menu.textContent = '';
    found.slice(0, 8).forEach(function (x, i) {
      var li = el('li', i === 0 ? 'on' : '', x.name);
      li.setAttribute('role', 'option');
      li.addEventListener('mousedown', function (e) { e.preventDefault(); });
      li.addEventListener('click', function () {
        var start = before.length - m[2].length - 1;
        text.value = text.value.slice(0, start) + '@' + x.surname + ' ' + text.value.slice(text.selectionStart);
        mentioned[x.id] = x.surname;
        menu.hidden = true;
        text.focus();
        text.selectionStart = text.selectionEnd = start + x.surname.length + 2;
      });
      menu.appendChild(li);
    });
    menu.hidden = found.length === 0;
  });

  $('chat-file').addEventListener('change', function (e) {
    [].forEach.call(e.target.files, function (f) {
      var fd = new FormData();
      fd.append('file', f, f.name);
      var chip = el('span', 'chat-chip', f.name + ' …');
      attached.appendChild(chip);
      ui.api('POST', '/api/v1/chat/uploads/' + current.id, fd).then(function (r) {
        files.push(r.file);
        chip.textContent = r.file.name + ' · ' + size(r.file.size);
      }, function (err) { chip.remove(); ui.showError(errBox, err); });
    });
    e.target.value = '';
  });

  // Sharing: a link pasted in the text becomes a card; one's own tasks,
  // which have no address of their own, are picked from a list.
  var shareBox = $('chat-share-box');
  $('chat-share').addEventListener('click', function () {
    shareBox.hidden = !shareBox.hidden;
    $('chat-share').setAttribute('aria-expanded', String(!shareBox.hidden));
    if (shareBox.hidden) return;
    ui.api('GET', '/api/v1/workflow/tasks').then(function (r) {
      var ul = $('chat-tasks');
      ul.textContent = '';
      (r.tasks || []).slice(0, 20).forEach(function (tk) {
        var li = el('li'), b = action(tk.number + ' · ' + tk.title + ' · ' + tk.step_name, function () {
          shared = { kind: 'task', id: tk.id };
          var chip = el('span', 'chat-chip', '🔗 ' + t('chat_link_task') + ': ' + tk.number + ' · ' + tk.title + ' ');
          var x = action('×', function () { shared = null; chip.remove(); });
          x.setAttribute('aria-label', t('chat_cancel'));
          chip.appendChild(x);
          attached.appendChild(chip);
          shareBox.hidden = true;
          text.focus();
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      if (!ul.firstChild) ul.appendChild(el('li', 'muted', t('chat_no_tasks')));
    }, ui.fail(errBox));
  });

  // --- live -----------------------------------------------------------------
  function onEvent(ev) {
    if (ev.kind === 'read') { reloadSoon(); return; }
    if (current && ev.chat_id === current.id && ev.message) {
      var atEnd = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 80;
      put(ev.message);
      if (atEnd) pane.scrollTop = pane.scrollHeight;
      markRead();
    }
    reloadSoon();
  }
  function onResync() { loadChats(); if (current) open(current.id); }

  // --- search ---------------------------------------------------------------
  $('chat-search').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = e.target.q.value.trim(), box = $('chat-hits');
    if (!q) { box.hidden = true; return; }
    ui.api('GET', '/api/v1/chat/search?q=' + encodeURIComponent(q)).then(function (r) {
      box.textContent = '';
      box.appendChild(el('p', 'muted', r.messages.length ? t('chat_found') + ': ' + r.messages.length : t('chat_not_found')));
      r.messages.forEach(function (h) {
        var a = el('a', 'chat-hit');
        a.href = '#' + h.chat_id;
        a.addEventListener('click', function (e) {
          pendingFind = h.id;
          if (current && current.id === h.chat_id) { e.preventDefault(); open(h.chat_id); }
        });
        a.appendChild(el('b', '', h.chat_title + ' · ' + h.from));
        a.appendChild(el('span', '', h.text));
        a.appendChild(el('time', 'muted', ui.recent(h.at)));
        box.appendChild(a);
      });
      box.hidden = false;
    }, ui.fail());
  });

  // A chat made in the dialog (chat_new.js) joins the list and opens.
  document.addEventListener('chat:created', function (e) { loadChats(); location.hash = e.detail; });

  // --- navigation -----------------------------------------------------------
  $('chat-back').addEventListener('click', function () { history.pushState(null, '', '/chat'); current = null; page.classList.remove('chat-open'); drawList(); });
  window.addEventListener('hashchange', function () { readSent = 0; open(location.hash.slice(1)); });

  ui.me().then(function (r) {
    me = r.user.id;
    var conn = ui.live('/api/v1/chat/ws', { onEvent: onEvent, onResync: onResync, onFrame: function (f) {
      if (f.type === 'call' && window.profhubCall) window.profhubCall.frame(f);
    } });
    // call.js may load after this resolves (the scripts are deferred, and a
    // slow one is still downloading): it then picks the socket up itself.
    window.chatCallInit = [conn, me, function () { return current; }];
    if (window.profhubCall) window.profhubCall.init.apply(null, window.chatCallInit);
    // Going offline closes the socket at once; profhub.live then resumes
    // from the last event it saw when the network returns.
    window.addEventListener('offline', function () { if (conn.ws) conn.ws.close(); });
    window.chatSocket = conn;
    return loadChats();
  }).then(function () {
    var id = location.hash.slice(1);
    if (id) open(id);
    else if (window.matchMedia('(min-width: 701px)').matches && chats.length) open(chats[0].id);
  }).catch(ui.fail($('chat-error')));
})();
