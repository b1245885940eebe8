// The operators' console. Everything shown comes from the inbox JSON API
// and stays live over the WebSocket; message text is always inserted as
// text (textContent), never as HTML.
(function () {
  'use strict';
  var root = document.getElementById('console');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  function $(id) { return document.getElementById(id); }

  var state = {
    me: root.dataset.user, lines: {}, users: {}, convs: {}, current: null,
    filter: 'mine', live: null, offers: {}, messages: {}, msgData: {}, found: null,
    contactRead: {}, typedAt: 0, readAt: 0, threads: {}
  };

  var fail = ui.fail(), time = ui.recent;
  // hooks lets inbox_tools.js (labels, macros, snooze, bulk actions) add
  // to the list's items, the conversation's head and the history's words.
  var hooks = {};
  ui.console = { state: state, hooks: hooks, reload: function () { return loadList(); }, act: function (p, b) { return act(p, b); },
    open: function (id) { open(id); }, render: function () { renderList(); if (state.current && state.convs[state.current]) renderHead(state.convs[state.current]); } };

  // --- formatting ----------------------------------------------------------
  var channelNames = { api: 'API', telegram: 'Telegram', vk: 'VK', mail: 'E-mail', telephony: 'Телефон', widget: 'Сайт', sms: 'SMS' };

  // --- conversation list ---------------------------------------------------
  // A search by the words of the messages replaces the tabs: it looks in
  // every conversation the user may see, narrowed by its own filters, and
  // shows them in the server's order, each with the matching message.
  function searchText() { return $('text-search').value.trim(); }
  function listQuery() {
    var q = { mine: 'status=open&mine=true', queue: 'status=waiting', all: 'status=open', closed: 'status=closed',
      snoozed: 'status=snoozed&mine=true' }[state.filter];
    var words = searchText();
    if (words) {
      q = 'text=' + encodeURIComponent(words) + '&sort=' + $('sort-filter').value;
      [['status', 'status-filter'], ['operator_id', 'operator-filter'], ['from', 'from-filter'], ['to', 'to-filter']].forEach(function (p) {
        if ($(p[1]).value) q += '&' + p[0] + '=' + encodeURIComponent($(p[1]).value);
      });
      // The dates are days of the zone the page shows times in.
      if (ui.timeZone) q += '&tz=' + encodeURIComponent(ui.timeZone);
    }
    var s = $('search').value.trim(), line = $('line-filter').value, kind = $('channel-filter').value;
    if (s) q += '&q=' + encodeURIComponent(s);
    if (line) q += '&line_id=' + encodeURIComponent(line);
    if (kind) q += '&channel=' + encodeURIComponent(kind);
    if ($('label-filter') && $('label-filter').value) q += '&label_id=' + encodeURIComponent($('label-filter').value);
    if ($('contact-label-filter') && $('contact-label-filter').value) q += '&contact_label_id=' + encodeURIComponent($('contact-label-filter').value);
    // A conversation field's value narrows the list in every mode.
    var field = $('field-filter').value, value = $('field-value').value.trim();
    if (field && value) q += '&custom.' + encodeURIComponent(field) + '=' + encodeURIComponent(value);
    // The export takes the same filters, every page of them.
    $('export-list').href = '/api/v1/inbox/conversations/export?format=xlsx&' + q;
    return '/api/v1/inbox/conversations?limit=' + (words ? 50 : 200) + '&' + q;
  }
  // listSeq numbers the list's requests: filters changed in quick
  // succession (a date range typed as two dates) send several, and an
  // older answer arriving last must not replace the newest.
  var listSeq = 0;
  // arrived holds the conversations the socket brought while a list was
  // being read: the answer may have been read before them, so they are
  // merged again on top of it, in the order they came.
  var arrived = null;
  function loadList() {
    var words = searchText(), seq = ++listSeq;
    root.classList.toggle('searching', !!words);
    arrived = arrived || [];
    return api('GET', listQuery()).then(function (r) {
      if (seq !== listSeq) return; // an older answer than the newest request
      var since = arrived;
      arrived = null;
      state.convs = {};
      state.found = words ? [] : null;
      r.conversations.forEach(function (c) {
        state.convs[c.id] = c;
        if (state.found) state.found.push(c.id);
      });
      since.forEach(function (c) { mergeConv(c, true); });
      renderList();
    }).catch(function (e) {
      if (seq === listSeq) arrived = null;
      fail(e);
    });
  }
  // matchLine is a found message: who wrote it and its words around the
  // match, the matching ones marked (text nodes only, never HTML).
  function matchLine(m) {
    var p = el('p', 'conv-match');
    p.appendChild(el('span', 'muted', t('match_' + m.direction) + ': '));
    m.parts.forEach(function (part, i) { p.appendChild(i % 2 ? el('mark', '', part) : document.createTextNode(part)); });
    return p;
  }
  function inFilter(c) {
    var label = $('label-filter') && $('label-filter').value;
    if (label && (c.labels || []).indexOf(label) < 0) return false;
    var clabel = $('contact-label-filter') && $('contact-label-filter').value;
    if (clabel && (c.contact_labels || []).indexOf(clabel) < 0) return false;
    // a snoozed conversation is only in its own tab until it wakes
    if ((state.filter === 'snoozed') !== !!(c.snoozed_until && c.status !== 'closed') && state.filter !== 'closed') return false;
    switch (state.filter) {
      case 'mine': return c.status !== 'closed' && c.assignee_id === state.me;
      case 'snoozed': return c.assignee_id === state.me;
      case 'queue': return c.status === 'waiting';
      case 'all': return c.status !== 'closed';
      default: return c.status === 'closed';
    }
  }
  function renderList() {
    var ul = $('conversations');
    ul.textContent = '';
    var list = state.found ? state.found.map(function (id) { return state.convs[id]; }) : Object.keys(state.convs).map(function (k) { return state.convs[k]; })
      .filter(function (c) {
        return inFilter(c) && (!$('line-filter').value || c.line_id === $('line-filter').value) &&
          (!$('channel-filter').value || c.channel_kind === $('channel-filter').value);
      })
      .sort(function (a, b) { return (b.priority - a.priority) || (new Date(b.updated_at) - new Date(a.updated_at)); });
    if (!list.length) ul.appendChild(el('li', 'none muted', t('nothing')));
    list.forEach(function (c) {
      var li = el('li', 'conv' + (c.id === state.current ? ' on' : '') + (c.priority ? ' prio' + c.priority : ''));
      li.dataset.id = c.id;
      li.tabIndex = 0;
      var top = el('div', 'conv-top');
      top.appendChild(el('span', 'chan chan-' + c.channel_kind, channelNames[c.channel_kind] || c.channel_kind));
      top.appendChild(el('b', 'conv-name', c.contact_name));
      if (c.unread) top.appendChild(el('span', 'unread', c.unread));
      li.appendChild(top);
      var sub = el('div', 'conv-sub muted');
      var line = state.lines[c.line_id];
      sub.textContent = (line ? line.name + ' · ' : '') +
        (c.status === 'waiting' ? t('waiting') + ' ' + ui.since(c.queued_at) : time(c.last_message_at || c.updated_at))
      if (c.campaign_name) sub.textContent += ' · ' + mailingLabel(c);
      li.appendChild(sub);
      if (state.found && c.match) li.appendChild(matchLine(c.match));
      if (hooks.item) hooks.item(li, c); // labels and the bulk checkbox (inbox_tools.js)
      ul.appendChild(li);
    });
  }
  $('conversations').addEventListener('click', function (e) {
    var li = e.target.closest('li.conv');
    if (li) open(li.dataset.id);
  });
  $('conversations').addEventListener('keydown', function (e) {
    var li = e.target.closest('li.conv');
    if (li && e.key === 'Enter') open(li.dataset.id);
  });
  document.querySelectorAll('.tabs button').forEach(function (b) {
    b.addEventListener('click', function () {
      document.querySelectorAll('.tabs button').forEach(function (x) { x.classList.remove('on'); });
      b.classList.add('on');
      state.filter = b.dataset.filter;
      loadList();
    });
  });
  var searchTimer;
  $('search').addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(loadList, 300); });
  $('line-filter').addEventListener('change', loadList);
  $('channel-filter').addEventListener('change', loadList);
  $('text-search').addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(loadList, 300); });
  $('field-filter').addEventListener('change', function () { if ($('field-value').value.trim()) loadList(); });
  $('field-value').addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(loadList, 300); });
  // The conversation fields of the CRM, when there are any.
  api('GET', '/api/v1/crm/custom-fields?entity=conversation').then(function (r) {
    var sel = $('field-filter');
    (r.fields || []).filter(function (f) { return !f.retired; }).forEach(function (f) { sel.add(new Option(f.label, f.key)); });
    sel.hidden = $('field-value').hidden = sel.options.length < 2;
  }).catch(function () {});
  ['status-filter', 'operator-filter', 'from-filter', 'to-filter', 'sort-filter'].forEach(function (id) {
    $(id).addEventListener('change', function () { if (searchText()) loadList(); });
  });

  // --- panes on a phone -----------------------------------------------------
  // Below 900 px the console shows one pane at a time (mobile.css): the
  // list, a conversation, or its contact. Opening a conversation adds a
  // history entry, so the phone's own back gesture returns to the list as
  // the back button does.
  var narrow = window.matchMedia('(max-width: 900px)');
  function showPane(p) {
    root.classList.toggle('reading', p !== 'list');
    root.classList.toggle('contact-view', p === 'contact');
    if (p === 'list') renderList();
  }
  $('chat-back').addEventListener('click', function () {
    if (history.state && history.state.conversation) history.back();
    else showPane('list');
  });
  $('chat-contact').addEventListener('click', function () { showPane('contact'); });
  $('contact-back').addEventListener('click', function () { showPane('chat'); });
  window.addEventListener('popstate', function (e) {
    showPane(e.state && e.state.conversation ? 'chat' : 'list');
  });

  // --- one conversation ----------------------------------------------------
  function open(id) {
    if (narrow.matches && !(history.state && history.state.conversation)) history.pushState({ conversation: id }, '');
    showPane('chat');
    state.current = id;
    state.messages = {};
    state.msgData = {};
    $('messages').textContent = '';
    $('contact-typing').textContent = '';
    $('chat').hidden = false; $('contact').hidden = false; $('empty').hidden = true;
    renderList();
    Promise.all([api('GET', '/api/v1/inbox/conversations/' + id), api('GET', '/api/v1/inbox/conversations/' + id + '/messages?limit=1000')])
      .then(function (r) {
        var c = r[0];
        state.convs[c.id] = c;
        if (c.thread) state.threads[c.id] = c.thread;
        $('reply-thread').checked = true;
        renderHead(c);
        r[1].messages.forEach(addMessage);
        scrollDown();
        if (c.assignee_id === state.me && c.unread) api('POST', '/api/v1/inbox/conversations/' + id + '/read').catch(function () {});
        loadContact(c);
        // The CRM part of the contact pane (inbox_crm.js) follows the open conversation.
        document.dispatchEvent(new CustomEvent('profhub:conversation', { detail: c }));
      }).catch(fail);
  }
  // A member's answer to a mass mailing says which one.
  function mailingLabel(c) { return t('mailing_reply') + ' «' + c.campaign_name + '»'; }
  function renderHead(c) {
    $('chat-title').textContent = c.contact_name;
    var line = state.lines[c.line_id];
    var who = c.assignee_id ? (state.users[c.assignee_id] || t('operator')) : t('unassigned');
    $('chat-meta').textContent = [channelNames[c.channel_kind] || c.channel_kind, line && line.name, t('status_' + c.status), who,
      c.campaign_name && mailingLabel(c)].filter(Boolean).join(' · ');
    $('act-take').hidden = c.status !== 'waiting';
    $('act-callback').hidden = c.channel_kind !== 'telephony' || c.status === 'closed';
    // A phone line carries no text: on a telephony conversation only notes.
    var tel = c.channel_kind === 'telephony';
    if ($('reply-note').disabled && !tel) $('reply-note').checked = false;
    $('reply-note').disabled = tel;
    if (tel) $('reply-note').checked = true;
    $('act-close').hidden = c.status === 'closed';
    $('act-reopen').hidden = c.status !== 'closed';
    $('act-transfer').hidden = c.status === 'closed';
    $('act-spam').hidden = c.status === 'closed';
    $('act-priority').value = String(c.priority || 0);
    $('reply').hidden = c.status === 'closed';
    renderPost(c);
    if (hooks.head) hooks.head(c);
  }
  // A comment's conversation quotes its post (the events carry no post:
  // it is kept from the conversation's first read) and answers in the
  // thread or privately.
  function renderPost(c) {
    var th = c.thread_key ? (c.thread || state.threads[c.id] || { key: c.thread_key }) : null;
    $('chat-post').hidden = !th; $('reply-where').hidden = !th;
    if (!th) return;
    $('chat-post-text').textContent = th.text || '';
    var link = $('chat-post-link');
    link.hidden = !/^https:\/\//.test(th.url || '');
    if (!link.hidden) link.href = th.url;
  }
  // A failed reply's reason starts with a code the console may know.
  function reasonText(r) {
    var m = /^([a-z_]+): /.exec(r || '');
    if (!m) return r;
    var k = 'reason_' + m[1], s = t(k);
    return s === k ? r : s;
  }
  function loadContact(c) {
    $('contact-name').textContent = c.contact_name;
    $('contact-channel').textContent = (channelNames[c.channel_kind] || c.channel_kind) + ' · ' + c.external_chat_id;
    api('GET', '/api/v1/inbox/conversations?limit=20&contact_id=' + encodeURIComponent(c.contact_id)).then(function (r) {
      var ul = $('contact-history');
      ul.textContent = '';
      r.conversations.forEach(function (h) {
        var li = el('li', h.id === c.id ? 'on' : '');
        var a = el('a', '', time(h.created_at) + ' · ' + t('status_' + h.status));
        a.href = '#';
        a.addEventListener('click', function (e) { e.preventDefault(); open(h.id); });
        li.appendChild(a);
        ul.appendChild(li);
      });
    }).catch(function () {});
  }
  function scrollDown() { var m = $('messages'); m.scrollTop = m.scrollHeight; }

  function systemText(m) {
    var d = {};
    try { d = JSON.parse(m.text); } catch (e) { return m.text; }
    if (hooks.system && hooks.system(d)) return hooks.system(d);
    var who = d.operator_id ? (state.users[d.operator_id] || t('operator')) : '';
    var s = t('sys_' + d.event) + (who ? ': ' + who : '');
    if (d.comment) s += ' — «' + d.comment + '»';
    if (d.rating) s += ': ' + d.rating + ' / 5' + (d.previous ? ' (' + t('sys_rating_before') + ' ' + d.previous + ')' : '');
    return s;
  }
  // Events and API answers can arrive in either order: a delivery state
  // never goes backwards, except failed → pending when retried.
  var rank = { pending: 0, failed: 1, sent: 2, delivered: 3, read: 4 };
  function stale(oldM, m) {
    if (!oldM || m.direction !== 'out') return false;
    if (oldM.status === 'failed' && m.status === 'pending') return false;
    return (rank[m.status] || 0) < (rank[oldM.status] || 0);
  }
  function addMessage(m) {
    if (m.conversation_id !== state.current) return;
    if (stale(state.msgData[m.id], m)) return;
    state.msgData[m.id] = m;
    var old = state.messages[m.id];
    var li = el('li', 'msg msg-' + m.direction);
    li.dataset.id = m.id;
    if (m.direction === 'system') {
      li.appendChild(el('span', 'sys', systemText(m) + ' · ' + time(m.created_at)));
    } else {
      var body = el('div', 'bubble');
      if (m.direction === 'note') body.appendChild(el('div', 'note-mark', t('note_mark')));
      if (m.text) body.appendChild(el('div', 'text', m.text));
      if (m.deleted_at) { li.classList.add('msg-deleted'); body.appendChild(el('div', 'deleted-mark', t('comment_deleted'))); }
      (m.attachments || []).forEach(function (a) { body.appendChild(attachment(a)); });
      var meta = el('div', 'meta', time(m.created_at));
      if (m.direction === 'out') {
        if (m.private) meta.appendChild(el('span', 'private-mark', ' · ' + t('comment_private_mark')));
        meta.appendChild(el('span', 'st st-' + m.status, ' · ' + t('st_' + m.status)));
        if (m.status === 'failed') {
          if (m.status_reason) meta.appendChild(el('span', 'reason', ' — ' + reasonText(m.status_reason)));
          var retry = el('button', 'link retry', t('retry'));
          retry.addEventListener('click', function () { api('POST', '/api/v1/inbox/messages/' + m.id + '/retry').then(addMessage).catch(fail); });
          meta.appendChild(retry);
        }
      }
      if (m.direction === 'out' && m.seq <= (state.contactRead[m.conversation_id] || 0)) {
        meta.appendChild(el('span', 'seen-mark', ' · ' + t('seen_by_contact')));
      }
      body.appendChild(meta);
      li.appendChild(body);
    }
    state.messages[m.id] = li;
    if (old) old.replaceWith(li);
    else {
      // keep sequence order even if events arrive out of order
      var list = $('messages'), after = null;
      li.dataset.seq = m.seq;
      for (var n = list.lastElementChild; n; n = n.previousElementSibling) {
        if (Number(n.dataset.seq) <= m.seq) { after = n; break; }
      }
      if (after) after.after(li); else list.prepend(li);
    }
    li.dataset.seq = m.seq;
  }
  function attachment(a) {
    var url = '/api/v1/inbox/attachments/' + encodeURIComponent(a.blob_key);
    if (a.content_type === 'text/html' && window.profhubMailLetter) return window.profhubMailLetter(a); // mailletter.js
    if (/^image\//.test(a.content_type)) {
      var img = el('img', 'att-img'); img.src = url; img.alt = a.name; img.loading = 'lazy';
      return img;
    }
    if (/^audio\//.test(a.content_type)) {
      var au = el('audio'); au.controls = true; au.preload = 'none'; au.src = url;
      return au;
    }
    var link = el('a', 'att-file', '📎 ' + a.name);
    link.href = url; link.download = a.name;
    return link;
  }

  // --- actions -------------------------------------------------------------
  function act(path, body) {
    return api('POST', '/api/v1/inbox/conversations/' + state.current + path, body).then(function (c) {
      if (c && c.id) { state.convs[c.id] = c; renderHead(c); renderList(); }
    }).catch(fail);
  }
  $('act-take').addEventListener('click', function () { act('/take'); });
  window.profhubOpenConversation = open; // the caller card opens conversations
  $('act-callback').addEventListener('click', function () {
    if (window.profhubCallBack) window.profhubCallBack({ conversation_id: state.current });
  });
  $('act-close').addEventListener('click', function () { act('/close'); });
  $('act-reopen').addEventListener('click', function () { act('/reopen'); });
  $('act-spam').addEventListener('click', function () { if (confirm(t('confirm_spam'))) act('/spam'); });
  $('act-priority').addEventListener('change', function () { act('/priority', { priority: Number($('act-priority').value) }); });
  $('act-transfer').addEventListener('click', function () {
    var c = state.convs[state.current], line = state.lines[c.line_id];
    var ops = $('transfer-operator'), lines = $('transfer-line');
    ops.length = 1; lines.length = 1;
    (line ? line.operators : []).forEach(function (o) {
      if (o.user_id !== c.assignee_id) ops.add(new Option(o.name, o.user_id));
    });
    Object.keys(state.lines).forEach(function (id) { if (id !== c.line_id) lines.add(new Option(state.lines[id].name, id)); });
    $('transfer-comment').value = '';
    $('transfer-dialog').showModal();
  });
  $('transfer-dialog').addEventListener('close', function () {
    if ($('transfer-dialog').returnValue !== 'ok') return;
    var body = { comment: $('transfer-comment').value };
    if ($('transfer-operator').value) body.operator_id = $('transfer-operator').value;
    else if ($('transfer-line').value) body.line_id = $('transfer-line').value;
    else return;
    act('/transfer', body);
  });

  function send() {
    state.typedAt = 0; // typing after a sent reply is news again
    var text = $('reply-text').value, file = $('reply-file').files[0];
    if (!text.trim() && !file) return;
    var note = $('reply-note').checked, conv = state.current;
    var upload = file ? (function () {
      var fd = new FormData(); fd.append('file', file);
      return api('POST', '/api/v1/inbox/uploads/' + conv, fd).then(function (a) { return [{ blob_key: a.blob_key }]; });
    })() : Promise.resolve([]);
    $('reply-send').disabled = true;
    upload.then(function (atts) {
      return api('POST', '/api/v1/inbox/conversations/' + conv + (note ? '/notes' : '/messages'),
        { text: text, client_id: (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()), attachments: atts,
          private: !note && !$('reply-where').hidden && $('reply-private').checked });
    }).then(function (m) {
      addMessage(m); scrollDown();
      $('reply-text').value = ''; $('reply-file').value = ''; $('reply-note').checked = $('reply-note').disabled;
      hideQuick();
    }).catch(fail).finally(function () { $('reply-send').disabled = false; });
  }
  $('reply').addEventListener('submit', function (e) { e.preventDefault(); send(); });
  $('reply-text').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
    if (e.key === 'Escape') hideQuick();
  });

  // Quick answers: "/" then a shortcut.
  var quickCache = {};
  function hideQuick() { $('quick').hidden = true; }
  $('reply-text').addEventListener('input', function () {
    var v = $('reply-text').value;
    if (v.charAt(0) !== '/' || v.indexOf(' ') >= 0) { hideQuick(); return; }
    var c = state.convs[state.current];
    var key = c.line_id;
    var p = quickCache[key] ? Promise.resolve(quickCache[key]) :
      api('GET', '/api/v1/inbox/quick-answers?line_id=' + encodeURIComponent(key)).then(function (r) { quickCache[key] = r.quick_answers || []; return quickCache[key]; });
    p.then(function (list) {
      var q = v.slice(1).toLowerCase(), box = $('quick');
      box.textContent = '';
      list.filter(function (a) { return a.shortcut.toLowerCase().indexOf(q) === 0; }).slice(0, 8).forEach(function (a) {
        var b = el('button', 'quick-item');
        b.type = 'button';
        b.appendChild(el('b', '', '/' + a.shortcut));
        b.appendChild(el('span', 'muted', ' ' + a.text.slice(0, 80)));
        b.addEventListener('click', function () { $('reply-text').value = a.text; hideQuick(); $('reply-text').focus(); });
        box.appendChild(b);
      });
      box.hidden = !box.childElementCount;
    }).catch(function () {});
  });

  // --- offers --------------------------------------------------------------
  function showOffer(id, deadline) {
    if (state.offers[id]) return;
    var box = el('div', 'offer');
    box.dataset.id = id;
    var c = state.convs[id];
    var title = el('b', 'offer-title', t('offer') + (c ? ': ' + c.contact_name : ''));
    box.appendChild(title);
    if (!c) {
      api('GET', '/api/v1/inbox/conversations/' + id).then(function (conv) {
        mergeConv(conv);
        title.textContent = t('offer') + ': ' + conv.contact_name;
      }).catch(function () {});
    }
    var left = el('span', 'countdown');
    box.appendChild(left);
    var yes = el('button', 'primary', t('accept')), no = el('button', '', t('decline'));
    yes.addEventListener('click', function () {
      api('POST', '/api/v1/inbox/conversations/' + id + '/accept').then(function (conv) {
        state.convs[conv.id] = conv; dropOffer(id); renderList(); open(conv.id);
      }).catch(function (e) { dropOffer(id); fail(e); });
    });
    no.addEventListener('click', function () { api('POST', '/api/v1/inbox/conversations/' + id + '/decline').catch(function () {}); dropOffer(id); });
    box.appendChild(yes); box.appendChild(no);
    $('offers').appendChild(box);
    var timer = setInterval(function () {
      var s = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      left.textContent = ' ' + s + ' ' + t('sec');
      if (s <= 0) dropOffer(id);
    }, 250);
    state.offers[id] = { box: box, timer: timer };
    beep();
    if (window.Notification && Notification.permission === 'granted' && document.hidden) {
      new Notification('profhub', { body: t('offer') + (c ? ': ' + c.contact_name : '') });
    }
  }
  function dropOffer(id) {
    var o = state.offers[id];
    if (!o) return;
    clearInterval(o.timer); o.box.remove(); delete state.offers[id];
  }
  function beep() {
    try {
      var ac = new (window.AudioContext || window.webkitAudioContext)();
      var o = ac.createOscillator(), g = ac.createGain();
      o.frequency.value = 880; g.gain.value = 0.05; o.connect(g); g.connect(ac.destination);
      o.start(); o.stop(ac.currentTime + 0.15);
    } catch (e) { /* no sound */ }
  }

  // --- live events ---------------------------------------------------------
  function apply(ev) {
    switch (ev.kind) {
      case 'message':
      case 'status':
        if (ev.conversation) mergeConv(ev.conversation);
        if (ev.message) {
          addMessage(ev.message);
          if (ev.message.conversation_id === state.current) {
            scrollDown();
            if (ev.message.direction === 'in') { $('contact-typing').textContent = ''; markReadLive(); }
          }
        }
        break;
      case 'conversation':
      case 'alert':
        if (ev.conversation) mergeConv(ev.conversation);
        if (ev.kind === 'alert') ui.toast(t('alert') + ': ' + ev.conversation.contact_name);
        break;
      case 'typing': // the contact types (widget chats)
        if (ev.conversation_id === state.current) showContactTyping(ev.conversation_id);
        break;
      case 'contact_read': // the contact has seen the conversation up to data.seq
        state.contactRead[ev.conversation_id] = Math.max(state.contactRead[ev.conversation_id] || 0, ev.data.seq || 0);
        if (ev.conversation_id === state.current) {
          Object.keys(state.msgData).forEach(function (id) { if (state.msgData[id].direction === 'out') addMessage(state.msgData[id]); });
        }
        break;
      case 'offer':
        showOffer(ev.conversation_id, ev.data.deadline);
        break;
      case 'offer_gone':
        dropOffer(ev.conversation_id);
        break;
      case 'lines_changed':
        loadLines();
        break;
      case 'presence': // one's own: an absence began or ended
        if (ev.data && ev.data.user_id === root.dataset.user) loadPresence().catch(function () {});
        break;
      case 'call_ringing':
        if (window.profhubCallerCard && ev.data) window.profhubCallerCard(ev.data.card);
        break;
    }
  }
  var typingTimer;
  function showContactTyping() {
    var c = state.convs[state.current];
    $('contact-typing').textContent = (c ? c.contact_name + ' ' : '') + t('contact_typing');
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { $('contact-typing').textContent = ''; }, 6000);
  }
  // markReadLive tells the contact (widget chats) that the operator has
  // seen a message that arrived while the conversation is open.
  function markReadLive() {
    var c = state.convs[state.current];
    if (!c || c.assignee_id !== state.me || document.hidden || Date.now() - state.readAt < 1000) return;
    state.readAt = Date.now();
    api('POST', '/api/v1/inbox/conversations/' + c.id + '/read').catch(function () {});
  }
  // The operator's typing goes to the contact, at most every two seconds.
  $('reply-text').addEventListener('input', function () {
    if (!state.current || !state.live || !state.live.open() || Date.now() - state.typedAt < 2000) return;
    state.typedAt = Date.now();
    state.live.send({ type: 'typing', conversation_id: state.current });
  });
  function mergeConv(c, quiet) {
    if (arrived && !quiet) arrived.push(c);
    var old = state.convs[c.id];
    if (old && !c.contact_name) c.contact_name = old.contact_name;
    if (old && !c.campaign_name) c.campaign_name = old.campaign_name;
    if (old && !c.channel_kind) c.channel_kind = old.channel_kind;
    if (old && !c.labels) c.labels = old.labels; // events carry labels only when they change
    c.snoozed_until = c.snoozed_until || 0;
    state.convs[c.id] = Object.assign(old || {}, c);
    if (c.id === state.current) renderHead(state.convs[c.id]);
    if (!quiet) renderList();
  }
  // The socket resumes after the last event seen (common.js); when the
  // server cannot replay the gap, the list and the open conversation reload.
  // The socket is attached on the server before it opens here, so a list
  // read after onOpen misses nothing: what changes meanwhile comes as
  // events and is merged on top of the list (loadList). It resolves after
  // a few seconds anyway, so a hub without sockets still shows its list.
  function connect() {
    var opened;
    var attached = new Promise(function (resolve) { opened = resolve; setTimeout(resolve, 5000); });
    state.live = ui.live('/api/v1/inbox/ws', {
      onOpen: function () {
        opened();
        $('offline-banner').hidden = true;
        api('GET', '/api/v1/inbox/offers').then(function (r) { r.offers.forEach(function (o) { showOffer(o.conversation_id, o.deadline); }); }).catch(function () {});
      },
      onEvent: apply,
      onResync: function () { loadList(); if (state.current) open(state.current); },
      onDown: function () { $('offline-banner').hidden = false; }
    });
    return attached;
  }

  // --- presence ------------------------------------------------------------
  // showPresence puts the state into the selector. During an approved
  // absence routing takes "online" as absent, and so does the selector:
  // it shows the absence, which the operator cannot choose.
  function showPresence(p) {
    var sel = $('presence'), abs = sel.querySelector('option[value="absent"]');
    var absent = p.effective === 'absent';
    if (absent) {
      if (!abs) { abs = new Option('', 'absent'); abs.disabled = true; sel.insertBefore(abs, sel.firstChild); }
      abs.textContent = t('absent') + ': ' + t('abs_kind_' + p.absence).toLowerCase() + ' ' + t('abs_until') + ' ' + ui.day(p.absent_until);
    } else if (abs) {
      abs.remove();
    }
    sel.value = absent ? 'absent' : p.status;
    sel.classList.toggle('absent', absent);
  }
  function loadPresence() { return api('GET', '/api/v1/inbox/presence').then(showPresence); }
  $('presence').addEventListener('change', function () {
    var chosen = $('presence').value;
    api('POST', '/api/v1/inbox/presence', { status: chosen }).then(function (p) {
      showPresence(p);
      if (p.effective === 'online' && window.Notification && Notification.permission === 'default') Notification.requestPermission();
    }).catch(fail);
  });

  function loadLines() {
    return api('GET', '/api/v1/inbox/lines').then(function (r) {
      state.lines = {};
      var sel = $('line-filter'), keep = sel.value;
      sel.length = 1;
      r.lines.forEach(function (l) {
        state.lines[l.id] = l;
        sel.add(new Option(l.name, l.id));
        (l.operators || []).forEach(function (o) { state.users[o.user_id] = o.name; });
      });
      sel.value = keep;
      fillOperators();
    });
  }

  // The operator filter offers the people of the lines the user sees.
  function fillOperators() {
    var sel = $('operator-filter'), keep = sel.value;
    sel.length = 1;
    Object.keys(state.users).map(function (id) { return [id, state.users[id]]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1], 'ru'); })
      .forEach(function (u) { sel.add(new Option(u[1], u[0])); });
    sel.value = keep;
  }

  ui.me().then(function (r) {
    state.users[r.user.id] = r.user.full_name;
    return Promise.all([loadLines(), loadPresence()]);
  }).then(connect).then(function () {
    return loadList();
  }).then(function () {
    // ?c=ID opens that conversation (links from the bell and the home page)
    var c = new URLSearchParams(location.search).get('c');
    if (c) open(c);
  }).catch(fail);
  setInterval(renderList, 30000); // waiting times
})();
