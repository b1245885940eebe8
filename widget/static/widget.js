/* profhub site chat widget, v1. Embed with:
   <script src="https://HUB/widget/v1/widget.js" data-channel="CHANNEL_ID" async></script>
   Plain JavaScript, no dependencies; draws itself inside a Shadow DOM. */
(function () {
  'use strict';
  var script = document.currentScript || (function () {
    var s = document.querySelectorAll('script[src*="/widget/v1/widget.js"]');
    return s[s.length - 1];
  })();
  if (!script || window.__profhubWidget) return;
  window.__profhubWidget = true;
  var channel = script.getAttribute('data-channel');
  var base = new URL(script.src, location.href).origin;
  var api = base + '/widget/v1/';
  var storeKey = 'profhub-widget:' + channel;

  var T = {
    ru: {
      open: 'Чат с профсоюзом', name: 'Ваше имя', contact: 'Телефон или e-mail', topic: 'Тема обращения',
      consent: 'Я согласен(на) на обработку персональных данных', policy: 'Политика обработки',
      start: 'Начать чат', send: 'Отправить', placeholder: 'Напишите сообщение…', attach: 'Прикрепить файл',
      offlineTitle: 'Оставьте сообщение', offlineText: 'Ваш вопрос', offlineSent: 'Спасибо! Мы ответим вам в рабочее время.',
      connecting: 'Подключение…', offline: 'Нет связи, сообщения будут отправлены позже', closed: 'Разговор завершён',
      rate: 'Оцените, пожалуйста, ответ', comment: 'Комментарий (необязательно)', thanks: 'Спасибо за оценку!',
      limited: 'Слишком много подключений с вашего адреса. Попробуйте позже.', tooBig: 'Сообщение слишком большое',
      ended: 'Сессия чата завершена. Начните новый чат.', you: 'Вы', operator: 'Оператор', newChat: 'Новый чат',
      fileTooBig: 'Файл больше %s МБ', fileType: 'Можно отправить картинку (PNG, JPEG, GIF, WebP) или PDF', fileLimit: 'Слишком много файлов. Попробуйте позже.', sending: 'отправляется', close: 'Закрыть', failed: 'не отправлено',
      typing: 'печатает…', delivered: 'доставлено', read: 'прочитано',
      transcript: 'Отправить переписку на e-mail', transcriptTo: 'E-mail (пусто — адрес, который вы указали)',
      transcriptSent: 'Переписка отправлена на %s', noConversation: 'Переписки пока нет: напишите нам', suggest: 'Возможно, ответ уже есть в справке:'
    },
    en: {
      open: 'Chat with the union', name: 'Your name', contact: 'Phone or e-mail', topic: 'Topic',
      consent: 'I consent to the processing of my personal data', policy: 'Privacy policy',
      start: 'Start chat', send: 'Send', placeholder: 'Type a message…', attach: 'Attach a file',
      offlineTitle: 'Leave a message', offlineText: 'Your question', offlineSent: 'Thank you! We will answer during working hours.',
      connecting: 'Connecting…', offline: 'Offline; messages will be sent later', closed: 'The conversation has ended',
      rate: 'Please rate the answer', comment: 'Comment (optional)', thanks: 'Thank you for your rating!',
      limited: 'Too many connections from your address. Please try later.', tooBig: 'The message is too large',
      ended: 'The chat session has ended. Start a new chat.', you: 'You', operator: 'Operator', newChat: 'New chat',
      fileTooBig: 'The file is larger than %s MB', fileType: 'Only pictures (PNG, JPEG, GIF, WebP) and PDF files can be sent', fileLimit: 'Too many files. Please try later.', sending: 'sending', close: 'Close', failed: 'not sent',
      typing: 'is typing…', delivered: 'delivered', read: 'read',
      transcript: 'E-mail me this conversation', transcriptTo: 'E-mail (empty: the address you gave)',
      transcriptSent: 'The conversation was sent to %s', noConversation: 'There is no conversation yet: write to us', suggest: 'The help centre may already answer this:'
    }
  };

  function load() { try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; } }
  var st = load(); // {token, conv, pending: [{client_id, text, files}]}
  st.pending = st.pending || [];
  function save() { try { localStorage.setItem(storeKey, JSON.stringify(st)); } catch (e) { /* private mode */ } }
  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (attrs[k] == null) continue;
      if (k === 'text') e.textContent = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  // icon draws a 24x24 SVG path (emoji fonts are not everywhere).
  function icon(d, stroke) {
    var ns = 'http://www.w3.org/2000/svg', svg = document.createElementNS(ns, 'svg'), p = document.createElementNS(ns, 'path');
    svg.setAttribute('viewBox', '0 0 24 24'); svg.setAttribute('width', '26'); svg.setAttribute('height', '26');
    p.setAttribute('d', d);
    p.setAttribute('fill', stroke ? 'none' : 'currentColor');
    if (stroke) { p.style.stroke = 'var(--pw-icon)'; p.setAttribute('stroke-width', '2'); p.setAttribute('stroke-linecap', 'round'); }
    svg.appendChild(p);
    return svg;
  }
  function post(path, body, q) {
    return fetch(api + path + '/' + channel + (q || ''), {
      method: 'POST', body: body instanceof FormData ? body : JSON.stringify(body),
      headers: body instanceof FormData ? {} : { 'Content-Type': 'text/plain' }
    }).then(function (r) {
      if (r.status === 204) return {};
      return r.json().then(function (j) { if (!r.ok) throw j.error || { message: r.statusText }; return j; });
    });
  }

  var cfg, t, root, panel, body, statusLine, list, input, ws, seq = 0, seen = {}, retry = 0, pingTimer, wantOpen = false, foot, formShown = false;
  var typingLine, typingTimer, typedAt = 0, readSeq = 0, seenSent = 0;

  fetch(api + 'config/' + channel).then(function (r) {
    if (!r.ok) throw new Error('profhub widget: config ' + r.status);
    return r.json();
  }).then(function (c) { cfg = c; t = T[c.lang] || T.ru; draw(); }).catch(function (e) { console.warn(String(e)); });

  // The widget's colours, set on its two top elements inside the shadow
  // root (not on :host, where the embedding site's style sheet would win);
  // the brand colour comes from the channel's settings (cfg.colour).
  var css = ':host{all:initial}.btn,.panel{--pw-text:#222;--pw-muted:#666;--pw-surface:#fff;--pw-body:#f6f7f9;--pw-on-brand:#fff;--pw-border:#e2e4e8;--pw-input-border:#ccd;--pw-icon:#555;--pw-warn:#a15c00;--pw-failed:#d33;--pw-note:#fff7e0;--pw-star:#ccc;--pw-star-on:#f5a623;--pw-shadow-button:rgba(0,0,0,.3);--pw-shadow-panel:rgba(0,0,0,.25)}*{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}' +
    '.btn{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;color:var(--pw-on-brand);cursor:pointer;box-shadow:0 2px 12px var(--pw-shadow-button);z-index:2147483646;display:flex;align-items:center;justify-content:center}' +
    '.panel{position:fixed;bottom:88px;width:360px;max-width:calc(100vw - 24px);height:520px;max-height:calc(100vh - 110px);background:var(--pw-surface);color:var(--pw-text);border-radius:12px;box-shadow:0 4px 24px var(--pw-shadow-panel);display:none;flex-direction:column;overflow:hidden;z-index:2147483647}' +
    '.panel.on{display:flex}.head{color:var(--pw-on-brand);padding:12px 14px;display:flex;align-items:center;justify-content:space-between;font-weight:600}' +
    '.head button{background:none;border:0;color:var(--pw-on-brand);font-size:20px;cursor:pointer}.body{flex:1;overflow:auto;padding:12px;background:var(--pw-body)}' +
    '.status{font-size:12px;color:var(--pw-warn);padding:2px 12px}.status:empty{display:none}.msg{margin:6px 0;max-width:85%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}' +
    '.in{margin-left:auto;color:var(--pw-on-brand)}.out{background:var(--pw-surface);border:1px solid var(--pw-border)}.sys{text-align:center;color:var(--pw-muted);font-size:12px;margin:8px 0}' +
    '.who{font-size:11px;opacity:.75;margin-bottom:2px}.pending{opacity:.6}.failed{outline:2px solid var(--pw-failed)}' +
    '.foot{display:flex;gap:6px;padding:8px;border-top:1px solid var(--pw-border);align-items:flex-end}textarea{flex:1;resize:none;height:40px;border:1px solid var(--pw-input-border);border-radius:8px;padding:8px}' +
    '.send,.go{border:0;border-radius:8px;color:var(--pw-on-brand);padding:9px 12px;cursor:pointer}.clip{background:none;border:0;font-size:20px;cursor:pointer}' +
    'form{display:flex;flex-direction:column;gap:8px}input[type=text]{border:1px solid var(--pw-input-border);border-radius:8px;padding:8px;width:100%}' +
    'label.c{font-size:12px;display:flex;gap:6px;align-items:flex-start}a{color:inherit}.note{background:var(--pw-note);border-radius:8px;padding:8px;margin-bottom:8px}' +
    '.mk{font-size:11px;opacity:.8;margin-left:6px;white-space:nowrap}.typing{font-size:12px;color:var(--pw-muted);padding:0 12px 4px;min-height:18px}' +
    '.av{display:inline-flex;width:20px;height:20px;border-radius:50%;color:var(--pw-on-brand);font-size:10px;font-weight:600;align-items:center;justify-content:center;margin-right:5px;vertical-align:middle}' +
    'img.av{object-fit:cover}' +
    '.sugg{padding:6px 12px;border-top:1px solid var(--pw-border);font-size:13px}.sugg:empty{display:none}.sugg b{display:block;font-size:12px;color:var(--pw-muted);font-weight:400}.sugg a{display:block;margin:3px 0}' +
    '.stars button{font-size:26px;background:none;border:0;cursor:pointer;color:var(--pw-star)}.stars button.on{color:var(--pw-star-on)}img.att{max-width:200px;display:block;margin-top:4px;border-radius:6px}' +
    '.head .mail{font-size:18px;margin-right:6px}.linkish{background:none;border:0;color:inherit;text-decoration:underline;cursor:pointer;font-size:12px}' +
    '.proactive{border-left:3px solid var(--pw-star-on)}';

  function draw() {
    var host = el('div', { id: 'profhub-widget' });
    document.body.appendChild(host);
    root = host.attachShadow({ mode: 'open' });
    root.appendChild(el('style', { text: css }));
    var side = cfg.position === 'left' ? 'left:20px' : 'right:20px';
    var btn = el('button', { class: 'btn', 'aria-label': t.open, title: t.open, style: side + ';background:' + cfg.colour, onclick: toggle });
    btn.appendChild(icon('M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z'));
    statusLine = el('div', { class: 'status', 'aria-live': 'polite' });
    body = el('div', { class: 'body' });
    panel = el('div', { class: 'panel', role: 'dialog', 'aria-label': cfg.title, style: side }, [
      el('div', { class: 'head', style: 'background:' + cfg.colour }, [el('span', { text: cfg.title }), el('span', {}, [
        cfg.transcript ? el('button', { class: 'mail', 'aria-label': t.transcript, title: t.transcript, text: '\u2709', onclick: askTranscript }) : null,
        el('button', { 'aria-label': t.close, text: '\u00d7', onclick: toggle })])]),
      statusLine, body]);
    root.appendChild(btn);
    root.appendChild(panel);
    if (st.token) { showChat(); connect(); }
    armProactive();
  }

  function toggle() {
    wantOpen = !panel.classList.contains('on');
    panel.classList.toggle('on', wantOpen);
    if (wantOpen && list) seenUpTo();
    if (wantOpen && !st.token && !formShown) showForm();
  }

  function field(name, label, required) {
    return el('input', { type: 'text', name: name, placeholder: label, 'aria-label': label, required: required ? '' : null });
  }
  function consentBox() {
    var box = el('input', { type: 'checkbox', name: 'consent', required: '' });
    var kids = [box, el('span', { text: t.consent + (cfg.policy_url ? ' ' : '') })];
    var lab = el('label', { class: 'c' }, kids);
    if (cfg.policy_url) kids[1].appendChild(el('a', { href: cfg.policy_url, target: '_blank', rel: 'noopener', text: '(' + t.policy + ')' }));
    return lab;
  }
  function formValues(f) {
    var v = {};
    Array.prototype.forEach.call(f.elements, function (e) {
      if (e.name) v[e.name] = e.type === 'checkbox' ? e.checked : e.value;
    });
    return v;
  }

  // The pre-chat form, or the offline form outside working hours or when
  // no operator is online.
  function showForm() {
    list = null; formShown = true;
    if (foot) { foot.remove(); foot = null; }
    body.textContent = '';
    var offline = !cfg.open || !cfg.operators_online;
    var f = el('form');
    if (offline) {
      f.appendChild(el('div', { class: 'note', text: cfg.offline_message || t.offlineTitle }));
    } else if (cfg.greeting) {
      f.appendChild(el('div', { class: 'note', text: cfg.greeting }));
    }
    cfg.prechat.forEach(function (p) {
      if (p === 'topic' && offline) return;
      f.appendChild(field(p, t[p], p !== 'topic'));
    });
    if (offline) f.appendChild(el('textarea', { name: 'text', placeholder: t.offlineText, required: '', style: 'height:90px' }));
    var hints = el('div', { class: 'sugg', 'aria-live': 'polite' });
    f.appendChild(hints);
    ['topic', 'text'].forEach(function (n) { if (f.elements[n]) suggestFor(f.elements[n], hints); });
    f.appendChild(consentBox());
    var err = el('div', { class: 'status' });
    f.appendChild(err);
    f.appendChild(el('button', { class: 'go', type: 'submit', style: 'background:' + cfg.colour, text: offline ? t.send : t.start }));
    if (proactiveMsg && !offline) body.appendChild(proactiveBubble());
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var v = formValues(f);
      if (offline) v.client_id = uid();
      post(offline ? 'offline' : 'session', v).then(function (r) {
        st.token = r.token; st.conv = r.conversation_id || ''; save();
        showChat();
        if (offline) list.appendChild(el('div', { class: 'note', text: t.offlineSent }));
        connect();
      }, function (e) { err.textContent = e.message || String(e); });
    });
    body.appendChild(f);
  }

  function showChat() {
    formShown = false;
    if (foot) foot.remove();
    body.textContent = '';
    list = el('div', { class: 'list' });
    if (cfg.greeting) list.appendChild(el('div', { class: 'msg out', text: cfg.greeting }));
    if (!cfg.open || !cfg.operators_online) list.appendChild(el('div', { class: 'note', text: cfg.offline_message || t.offlineTitle }));
    if (proactiveMsg) list.appendChild(proactiveBubble());
    body.appendChild(list);
    input = el('textarea', { placeholder: t.placeholder, 'aria-label': t.placeholder, maxlength: String(cfg.max_text || 4000) });
    input.addEventListener('keydown', function (e) { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); sendText(); } });
    input.addEventListener('input', typing);
    var file = el('input', { type: 'file', accept: cfg.upload_types.join(','), style: 'display:none', onchange: function () { upload(file); } });
    var clip = el('button', { class: 'clip', title: t.attach, 'aria-label': t.attach, onclick: function () { file.click(); } });
    clip.appendChild(icon('M16 6v10a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10a1 1 0 0 1-2 0V6', true));
    foot = el('div', { class: 'foot' }, [
      clip, file,
      input, el('button', { class: 'send', style: 'background:' + cfg.colour, text: t.send, onclick: sendText })]);
    typingLine = el('div', { class: 'typing', 'aria-live': 'polite' });
    var hints = el('div', { class: 'sugg', 'aria-live': 'polite' });
    suggestFor(input, hints);
    panel.appendChild(hints);
    panel.appendChild(typingLine);
    panel.appendChild(foot);
    seen = {}; seq = 0; readSeq = 0; seenSent = 0;
    st.pending.forEach(drawPending);
  }

  // suggestFor offers up to three help centre articles for what the
  // visitor types into field (the hub's /help/v1/suggest), in box; after
  // a refusal (429) it waits as long as the hub says.
  var suggestPause = 0;
  function suggestFor(field, box) {
    var timer, asked = 0;
    field.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = field.value.trim(), n = ++asked;
        if (q.length < 3 || Date.now() < suggestPause) { if (q.length < 3) box.textContent = ''; return; }
        fetch(base + '/help/v1/suggest?q=' + encodeURIComponent(q.slice(-200))).then(function (r) {
          if (r.status === 429) { suggestPause = Date.now() + 1000 * (Number(r.headers.get('Retry-After')) || 60); return null; }
          return r.ok ? r.json() : null;
        }).then(function (j) {
          if (!j || n !== asked) return;
          box.textContent = '';
          if (!j.articles.length) return;
          box.appendChild(el('b', { text: t.suggest }));
          j.articles.forEach(function (a) { box.appendChild(el('a', { href: a.url, target: '_blank', rel: 'noopener', text: a.title })); });
        }).catch(function () {});
      }, 300);
    });
  }

  // typing tells the operator, at most every two seconds.
  function typing() {
    var now = Date.now();
    if (now - typedAt < 2000 || !ws || ws.readyState !== 1 || !st.conv) return;
    typedAt = now;
    ws.send('{"type":"typing"}');
  }
  // seenUpTo tells the operator how far the visitor has seen the
  // conversation: the panel is open and the page is visible.
  function seenUpTo() {
    if (!panel.classList.contains('on') || document.hidden || seq <= seenSent || !ws || ws.readyState !== 1) return;
    seenSent = seq;
    ws.send(JSON.stringify({ type: 'read', seq: seq }));
  }
  document.addEventListener('visibilitychange', seenUpTo);
  // mark shows delivered (stored by the hub) or read (the operator opened
  // the conversation) on the visitor's own message.
  function mark(d) {
    if (!d || !d.classList.contains('in') || d.classList.contains('pending')) return;
    var read = readSeq && Number(d.getAttribute('data-seq')) <= readSeq;
    var m = d.querySelector('.mk') || d.appendChild(el('span', { class: 'mk' }));
    m.textContent = read ? '\u2713\u2713' : '\u2713';
    m.title = read ? t.read : t.delivered;
    m.setAttribute('aria-label', m.title);
  }
  function showTyping(author) {
    if (!typingLine) return;
    typingLine.textContent = (author || t.operator) + ' ' + t.typing;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingLine.textContent = ''; }, 6000);
  }
  function initials(name) {
    return (name || '?').split(/\s+/).filter(Boolean).slice(0, 2).map(function (w) { return w.charAt(0).toUpperCase(); }).join('');
  }

  function sendText() {
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    typedAt = 0; // typing after a sent message is news again
    queue({ client_id: uid(), text: text, files: [] });
  }
  function queue(m) {
    if (proactiveMsg) m.proactive = proactiveMsg.id; // the first message answers the proactive one
    st.pending.push(m); save();
    drawPending(m);
    transmit(m);
  }
  function transmit(m) {
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: 'message', client_id: m.client_id, text: m.text, files: m.files, proactive: m.proactive }));
  }
  function upload(input) {
    var f = input.files[0];
    input.value = '';
    if (!f) return;
    // The limit is the hub's (max_upload_bytes, 10 MiB as documented),
    // said in the visitor's language; so are the hub's refusals.
    var tooBig = t.fileTooBig.replace('%s', String(Math.round(cfg.max_upload_bytes / 1048576)));
    if (f.size > cfg.max_upload_bytes) { status(tooBig); return; }
    var fd = new FormData();
    fd.append('file', f, f.name);
    post('upload', fd, '?token=' + encodeURIComponent(st.token)).then(function (r) {
      queue({ client_id: uid(), text: '', files: [r.key], name: r.name });
    }, function (e) {
      status({ too_large: tooBig, file_type: t.fileType, rate_limited: t.fileLimit }[e.code] || e.message);
    });
  }
  function drawPending(m) {
    if (!list || root.querySelector('[data-cid="' + m.client_id + '"]')) return;
    var d = el('div', { class: 'msg in pending', 'data-cid': m.client_id, style: 'background:' + cfg.colour, text: m.text || m.name || '' });
    list.appendChild(d);
    scroll();
  }
  function status(s) { if (statusLine) statusLine.textContent = s || ''; }
  function scroll() { body.scrollTop = body.scrollHeight; }

  function connect() {
    if (!st.token || (ws && ws.readyState < 2)) return;
    status(t.connecting);
    var u = base.replace(/^http/, 'ws') + '/widget/v1/ws/' + channel + '?token=' + encodeURIComponent(st.token) +
      '&since=' + seq + (st.conv ? '&conversation=' + encodeURIComponent(st.conv) : '');
    ws = new WebSocket(u);
    ws.onopen = function () {
      retry = 0; status('');
      clearInterval(pingTimer);
      pingTimer = setInterval(function () { if (ws.readyState === 1) ws.send('{"type":"ping"}'); }, 25000);
      st.pending.forEach(transmit);
    };
    ws.onmessage = function (e) { frame(JSON.parse(e.data)); };
    ws.onclose = function (e) {
      clearInterval(pingTimer);
      if (e.code === 4001) { st = { pending: [] }; save(); status(t.ended); if (panel.classList.contains('on')) showForm(); return; }
      var wait = Math.min(30000, 1000 * Math.pow(2, retry++)) * (0.5 + Math.random() / 2);
      if (e.code === 4029) { status(t.limited); wait = 30000; }
      else if (e.code === 1009) status(t.tooBig);
      else status(t.offline);
      setTimeout(connect, wait);
    };
  }
  window.addEventListener('online', function () { if (ws && ws.readyState === 3) connect(); });

  function frame(f) {
    switch (f.type) {
      case 'hello':
      case 'conversation':
        if (f.conversation_id !== st.conv) { st.conv = f.conversation_id; seq = 0; save(); }
        break;
      case 'messages':
        f.messages.forEach(show);
        seenUpTo();
        break;
      case 'typing':
        showTyping(f.author);
        break;
      case 'read':
        readSeq = Math.max(readSeq, f.seq || 0);
        if (root) Array.prototype.forEach.call(root.querySelectorAll('.msg.in'), mark);
        break;
      case 'ack':
        drop(f.client_id);
        proactiveMsg = null;
        if (st.closed) { st.closed = ''; save(); } // writing again reopens the conversation
        if (f.conversation_id && f.conversation_id !== st.conv) { st.conv = f.conversation_id; save(); }
        break;
      case 'error':
        if (f.code === 'rate_limited') {
          status(f.message);
          setTimeout(function () { st.pending.forEach(transmit); }, 2000);
        } else if (f.client_id) {
          drop(f.client_id);
          var d = root.querySelector('[data-cid="' + f.client_id + '"]');
          if (d) { d.classList.add('failed'); d.title = t.failed + ': ' + f.message; }
          status(f.message);
        }
        break;
    }
  }
  function drop(cid) {
    st.pending = st.pending.filter(function (m) { return m.client_id !== cid; });
    save();
  }

  function show(m) {
    seq = Math.max(seq, m.seq);
    if (seen[m.id] || !list) return;
    seen[m.id] = true;
    if (m.direction === 'system') {
      list.appendChild(el('div', { class: 'sys', text: t.closed }));
      st.closed = st.conv; save();
      if (cfg.transcript) list.appendChild(el('div', { class: 'sys' }, [el('button', { class: 'linkish', type: 'button', text: t.transcript, onclick: askTranscript })]));
      if (m.ask_rating && st.rated !== st.conv) askRating();
      scroll();
      return;
    }
    // The stored proactive message takes the place of the one drawn here
    // before the conversation began (above the visitor's answer).
    var local = m.proactive && root.querySelector('[data-proactive]');
    var d = m.client_id && root.querySelector('[data-cid="' + m.client_id + '"]');
    if (d) { d.classList.remove('pending'); d.textContent = ''; drop(m.client_id); }
    else d = el('div', m.direction === 'in' ? { class: 'msg in', style: 'background:' + cfg.colour } : { class: 'msg out' });
    d.setAttribute('data-seq', m.seq);
    if (m.direction === 'out') {
      // The operator's photo, or their initials when they have none.
      var av = m.avatar ? el('img', { class: 'av', src: base + m.avatar, alt: '', 'aria-hidden': 'true' }) :
        el('span', { class: 'av', 'aria-hidden': 'true', style: 'background:' + cfg.colour, text: initials(m.author || t.operator) });
      d.appendChild(el('div', { class: 'who' }, [av, document.createTextNode(m.author || t.operator)]));
      if (typingLine) typingLine.textContent = '';
    }
    if (m.text) d.appendChild(document.createTextNode(m.text));
    (m.files || []).forEach(function (a) {
      var href = base + a.url + '?token=' + encodeURIComponent(st.token);
      d.appendChild(/^image\//.test(a.content_type) ? el('img', { class: 'att', src: href, alt: a.name }) :
        el('a', { href: href, target: '_blank', rel: 'noopener', text: a.name }));
    });
    if (local && !d.parentNode) local.replaceWith(d);
    else if (local) local.remove();
    if (!d.parentNode) list.appendChild(d);
    mark(d);
    scroll();
  }

  // --- proactive messages ---------------------------------------------------
  // The channel's triggers, evaluated here: the page's address, the time
  // on it, a new or returning browser, at most once in N days. Never while
  // the chat is open or the visitor's conversation is, nor out of hours or
  // with nobody online (the config is read again when a trigger is due).
  var proactiveMsg = null, proactiveFired = false;
  function stored(key) { try { return JSON.parse(localStorage.getItem(storeKey + key)) || {}; } catch (e) { return {}; } }
  function keep(key, v) { try { localStorage.setItem(storeKey + key, JSON.stringify(v)); } catch (e) { /* private mode */ } }
  function returningVisitor() {
    var v = stored(':visit'), now = Date.now();
    if (!v.first) { v.first = now; keep(':visit', v); }
    return now - v.first > 30 * 60000 || !!st.token; // an earlier visit, or a chat before
  }
  function pageMatches(p) {
    if (!p) return true;
    var re = new RegExp('^' + p.split('*').map(function (x) { return x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'); }).join('.*') + '$', 'i');
    return re.test(/:\/\//.test(p) ? location.href : location.pathname + location.search);
  }
  function conversationOpen() { return !!(st.token && st.conv && st.closed !== st.conv) || st.pending.length > 0; }
  function armProactive() {
    var returning = returningVisitor(), shown = stored(':shown');
    (cfg.proactive || []).forEach(function (tr) {
      if (!pageMatches(tr.url_pattern)) return;
      if ((tr.visitors === 'new' && returning) || (tr.visitors === 'returning' && !returning)) return;
      if (tr.once_days > 0 && shown[tr.id] && Date.now() - shown[tr.id] < tr.once_days * 86400000) return;
      setTimeout(function () { maybeFire(tr); }, tr.after_s * 1000);
    });
  }
  function maybeFire(tr) {
    if (proactiveFired || panel.classList.contains('on') || conversationOpen()) return;
    fetch(api + 'config/' + channel).then(function (r) { return r.json(); }).then(function (c) {
      var still = (c.proactive || []).some(function (x) { return x.id === tr.id; });
      if (!still || !c.open || !c.operators_online || proactiveFired || panel.classList.contains('on') || conversationOpen()) return;
      proactiveFired = true;
      cfg.open = c.open; cfg.operators_online = c.operators_online;
      proactiveMsg = { id: tr.id, text: tr.text, sender: tr.sender_name || cfg.title };
      var shown = stored(':shown'); shown[tr.id] = Date.now(); keep(':shown', shown);
      post('proactive', {}, '?trigger=' + encodeURIComponent(tr.id)).catch(function () {});
      wantOpen = true;
      panel.classList.add('on');
      if (!st.token) showForm();
      else if (list) list.appendChild(proactiveBubble());
      else showChat();
      scroll();
    }).catch(function () {});
  }
  function proactiveBubble() {
    var d = el('div', { class: 'msg out proactive', 'data-proactive': proactiveMsg.id });
    d.appendChild(el('div', { class: 'who' }, [el('span', { class: 'av', 'aria-hidden': 'true', style: 'background:' + cfg.colour, text: initials(proactiveMsg.sender) }),
      document.createTextNode(proactiveMsg.sender)]));
    d.appendChild(document.createTextNode(proactiveMsg.text));
    return d;
  }

  // --- the transcript by e-mail ----------------------------------------------
  function askTranscript() {
    if (!panel.classList.contains('on')) toggle();
    if (!st.token || !st.conv || !list) { status(t.noConversation); return; }
    var old = root.querySelector('form.transcript');
    if (old) { old.querySelector('input').focus(); return; }
    var email = el('input', { type: 'text', name: 'email', placeholder: t.transcriptTo, 'aria-label': t.transcriptTo });
    var err = el('div', { class: 'status' });
    var f = el('form', { class: 'note transcript' }, [el('div', { text: t.transcript }), email, err,
      el('button', { class: 'go', type: 'submit', style: 'background:' + cfg.colour, text: t.send })]);
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      post('transcript', { email: email.value.trim() }, '?token=' + encodeURIComponent(st.token)).then(function (r) {
        f.replaceWith(el('div', { class: 'sys sent-transcript', text: t.transcriptSent.replace('%s', r.to) }));
      }, function (e) { err.textContent = e.message || String(e); });
    });
    list.appendChild(f);
    scroll();
    email.focus();
  }

  function askRating() {
    var chosen = 0, stars = el('div', { class: 'stars' });
    for (var i = 1; i <= 5; i++) {
      (function (n) {
        stars.appendChild(el('button', { type: 'button', 'aria-label': String(n), text: '\u2605', onclick: function () {
          chosen = n;
          Array.prototype.forEach.call(stars.children, function (b, j) { b.classList.toggle('on', j < n); });
        } }));
      })(i);
    }
    var comment = el('input', { type: 'text', placeholder: t.comment });
    var f = el('form', { class: 'note rating' }, [el('div', { text: t.rate }), stars, comment,
      el('button', { class: 'go', type: 'submit', style: 'background:' + cfg.colour, text: t.send })]);
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!chosen) return;
      post('rating', { rating: chosen, comment: comment.value }, '?token=' + encodeURIComponent(st.token)).then(function () {
        st.rated = st.conv; save();
        f.replaceWith(el('div', { class: 'sys', text: t.thanks }));
      }, function (e) { status(e.message); });
    });
    list.appendChild(f);
  }
})();
