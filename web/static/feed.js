// The staff feed: posts for the reader merged with the document and
// appeal events they may see, pinned posts first; a post card with its
// pictures and files, poll, reactions, comments and, on an important
// post, the "Ознакомлен" button; for the post's author the list of who
// has and who has not confirmed, by unit, with "Напомнить". New posts
// arrive live over /api/v1/feed/stream (server-sent events). A post's
// HTML is the server's sanitised copy; every other text is set with
// textContent only.
(function () {
  'use strict';
  var root = document.getElementById('feed-page');
  if (!root || !window.profhub) return;
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var list = document.getElementById('feed-list'), pinned = document.getElementById('feed-pinned');
  var more = document.getElementById('feed-more'), empty = document.getElementById('feed-empty');
  var P = '/api/v1/feed';
  var next = 0, newest = '';

  function f(s) { var a = Array.prototype.slice.call(arguments, 1); return s.replace(/%[sd]/g, function () { return a.length ? a.shift() : ''; }); }
  function tr(k) { var s = t(k); return s === k ? '' : s; }
  function button(text, cls, onClick) {
    var b = el('button', cls || '', text);
    b.type = 'button';
    if (onClick) b.addEventListener('click', onClick);
    return b;
  }
  function postURL(id) { return P + '/posts/' + encodeURIComponent(id); }
  function replace(p) {
    document.querySelectorAll('[id="post-' + p.id + '"]').forEach(function (old) { old.replaceWith(card(p)); });
  }

  // --- a post card ------------------------------------------------------
  function card(p) {
    var a = el('article', 'card feed-post' + (p.important ? ' important' : '') + (p.pinned ? ' pinned' : ''));
    a.id = 'post-' + p.id;
    a.setAttribute('data-id', p.id);
    var head = el('header', 'feed-head');
    head.appendChild(el('b', 'feed-author', p.author_name));
    var when = el('time', 'feed-when', ui.dateTime(p.created_at));
    when.dateTime = p.created_at;
    head.appendChild(when);
    if (p.pinned) head.appendChild(el('span', 'feed-badge pin', t('pinned')));
    if (p.important) head.appendChild(el('span', 'feed-badge imp', t('important')));
    a.appendChild(head);
    var to = p.audience.units.concat(p.audience.people).map(function (n) { return n.name; }).join(', ');
    a.appendChild(el('p', 'feed-audience', t('to_prefix') + ' ' + to));
    var body = el('div', 'feed-body');
    body.innerHTML = p.html; // sanitised by the server (feed.Sanitize)
    a.appendChild(body);
    files(a, p);
    if (p.poll) a.appendChild(poll(p));
    if (p.important) a.appendChild(confirmBox(p));
    a.appendChild(bar(p));
    return a;
  }

  function files(a, p) {
    var imgs = el('div', 'feed-images'), docs = el('ul', 'feed-files');
    p.files.forEach(function (fl) {
      var href = postURL(p.id) + '/files/' + encodeURIComponent(fl.id);
      if (fl.image) {
        var img = el('img');
        img.src = href; img.alt = fl.name; img.loading = 'lazy';
        var l = el('a'); l.href = href; l.target = '_blank'; l.rel = 'noopener'; l.appendChild(img);
        imgs.appendChild(l);
      } else {
        var li = el('li'), d = el('a', '', fl.name);
        d.href = href; d.download = fl.name;
        li.appendChild(d);
        li.appendChild(el('span', 'muted', ' · ' + Math.max(1, Math.round(fl.size / 1024)) + ' ' + t('kb')));
        docs.appendChild(li);
      }
    });
    if (imgs.childNodes.length) a.appendChild(imgs);
    if (docs.childNodes.length) a.appendChild(docs);
  }

  function poll(p) {
    var pl = p.poll, box = el('fieldset', 'feed-poll');
    box.appendChild(el('legend', '', pl.question));
    var showCounts = pl.voted || p.can_manage, total = 0;
    pl.options.forEach(function (o) { total += o.votes; });
    pl.options.forEach(function (o, i) {
      var row = el('label', 'feed-option' + (o.mine ? ' mine' : ''));
      if (!pl.voted) {
        var inp = el('input');
        inp.type = pl.multiple ? 'checkbox' : 'radio'; inp.name = 'poll-' + p.id; inp.value = String(i);
        row.appendChild(inp);
      }
      row.appendChild(el('span', 'feed-option-text', o.text));
      if (showCounts) {
        var pct = total ? Math.round(o.votes * 100 / total) : 0;
        var barEl = el('span', 'feed-option-bar');
        barEl.style.width = pct + '%';
        row.appendChild(barEl);
        row.appendChild(el('span', 'feed-option-count', o.votes + ' · ' + pct + '%'));
      }
      box.appendChild(row);
    });
    if (showCounts) box.appendChild(el('p', 'muted', f(t('voters'), pl.voters)));
    if (!pl.voted) {
      var err = el('p', 'error'); err.hidden = true;
      box.appendChild(button(t('vote'), 'feed-vote', function () {
        var chosen = Array.prototype.map.call(box.querySelectorAll('input:checked'), function (x) { return Number(x.value); });
        api('POST', postURL(p.id) + '/vote', { options: chosen }).then(function (r) { replace(r.post); }).catch(ui.fail(err));
      }));
      box.appendChild(err);
    }
    return box;
  }

  function confirmBox(p) {
    var box = el('div', 'feed-confirm');
    if (p.confirmed_at) {
      box.appendChild(el('span', 'feed-confirmed', '✓ ' + f(t('confirmed'), ui.dateTime(p.confirmed_at))));
    } else if (p.author_id !== (ui.user && ui.user.id)) {
      box.appendChild(button(t('confirm'), 'primary feed-confirm-btn', function (e) {
        e.target.disabled = true;
        api('POST', postURL(p.id) + '/confirm').then(function (r) { replace(r.post); }).catch(function (x) { e.target.disabled = false; ui.fail()(x); });
      }));
    }
    if (p.can_manage) {
      var panel = el('div', 'feed-readers'); panel.hidden = true;
      box.appendChild(button(f(t('progress'), p.confirmed || 0, p.readers || 0), 'feed-progress', function () {
        panel.hidden = !panel.hidden;
        if (!panel.hidden) readers(p, panel);
      }));
      box.appendChild(panel);
    }
    return box;
  }

  function readers(p, panel) {
    panel.textContent = '';
    api('GET', postURL(p.id) + '/confirmations').then(function (r) {
      var pending = 0;
      r.units.forEach(function (u) {
        var sec = el('section', 'feed-unit');
        sec.appendChild(el('h4', '', u.unit));
        [['confirmed', u.confirmed, 'readers_confirmed'], ['pending', u.pending, 'readers_pending']].forEach(function (g) {
          var h = el('p', 'feed-group ' + g[0], t(g[2]) + ': ' + g[1].length);
          sec.appendChild(h);
          var ul = el('ul', 'feed-people ' + g[0]);
          g[1].forEach(function (x) {
            var li = el('li', '', x.name);
            if (x.confirmed_at) li.appendChild(el('span', 'muted', ' · ' + ui.dateTime(x.confirmed_at)));
            ul.appendChild(li);
          });
          sec.appendChild(ul);
        });
        pending += u.pending.length;
        panel.appendChild(sec);
      });
      if (!r.units.length) panel.appendChild(el('p', 'muted', t('nobody')));
      if (pending) {
        var msg = el('p', 'muted feed-remind-msg');
        panel.appendChild(button(t('remind'), 'feed-remind', function (e) {
          e.target.disabled = true;
          api('POST', postURL(p.id) + '/remind').then(function (x) { msg.textContent = f(t('reminded'), x.reminded); })
            .catch(function (x) { msg.textContent = x.message; e.target.disabled = false; });
        }));
        panel.appendChild(msg);
      }
    }).catch(ui.fail(panel));
  }

  function bar(p) {
    var b = el('footer', 'feed-bar');
    var reacts = el('div', 'feed-reactions');
    function drawReacts(rs) {
      reacts.textContent = '';
      rs.forEach(function (c) {
        var x = button(c.emoji + (c.count ? ' ' + c.count : ''), 'feed-react' + (c.mine ? ' mine' : ''), function () {
          api('POST', postURL(p.id) + '/reactions', { emoji: c.emoji }).then(function (r) { drawReacts(r.reactions); }).catch(ui.fail());
        });
        x.setAttribute('aria-pressed', c.mine ? 'true' : 'false');
        reacts.appendChild(x);
      });
    }
    drawReacts(p.reactions);
    b.appendChild(reacts);
    var comments = el('div', 'feed-comments'); comments.hidden = true;
    var count = p.comments;
    var toggle = button(f(t('comments'), count), 'feed-comments-btn', function () {
      comments.hidden = !comments.hidden;
      if (!comments.hidden) loadComments();
    });
    b.appendChild(toggle);
    if (p.can_manage) {
      b.appendChild(button(p.pinned ? t('unpin') : t('pin'), 'feed-pin', function () {
        api('POST', postURL(p.id) + (p.pinned ? '/unpin' : '/pin')).then(function () { load(); }).catch(ui.fail());
      }));
    }
    function loadComments() {
      comments.textContent = '';
      api('GET', postURL(p.id) + '/comments').then(function (r) {
        var ul = el('ul', 'feed-comment-list');
        r.comments.forEach(function (c) {
          var li = el('li');
          li.appendChild(el('b', '', c.author_name));
          li.appendChild(el('span', 'muted', ' · ' + ui.dateTime(c.at)));
          li.appendChild(el('p', '', c.text));
          ul.appendChild(li);
        });
        comments.appendChild(ul);
        var form = el('form', 'feed-comment-form');
        var inp = el('input'); inp.maxLength = 4000; inp.placeholder = t('comment_placeholder'); inp.setAttribute('aria-label', t('comment_placeholder'));
        var send = el('button', '', t('send'));
        var err = el('p', 'error'); err.hidden = true;
        form.appendChild(inp); form.appendChild(send); form.appendChild(err);
        form.addEventListener('submit', function (e) {
          e.preventDefault();
          api('POST', postURL(p.id) + '/comments', { text: inp.value }).then(function () {
            count++; toggle.textContent = f(t('comments'), count); loadComments();
          }).catch(ui.fail(err));
        });
        comments.appendChild(form);
      }).catch(ui.fail(comments));
    }
    var wrap = el('div', 'feed-foot');
    wrap.appendChild(b);
    wrap.appendChild(comments);
    return wrap;
  }

  function eventCard(it) {
    var a = el('article', 'feed-event ' + it.kind);
    var head = el('header', 'feed-head');
    head.appendChild(el('span', 'feed-badge ' + it.kind, t('kind.' + it.kind)));
    var when = el('time', 'feed-when', ui.dateTime(it.at));
    when.dateTime = it.at;
    head.appendChild(when);
    a.appendChild(head);
    var l = el('a', 'feed-event-title', it.title);
    l.href = it.link;
    a.appendChild(l);
    var what = [tr('action.' + it.action), it.actor, it.detail].filter(Boolean).join(' · ');
    if (what) a.appendChild(el('p', 'muted', what));
    return a;
  }

  // --- loading and live ---------------------------------------------------
  function load(before) {
    return api('GET', P + (before ? '?before=' + before : '')).then(function (pg) {
      if (!before) {
        list.textContent = ''; pinned.textContent = '';
        pg.pinned.forEach(function (p) { pinned.appendChild(card(p)); });
      }
      pg.items.forEach(function (it) {
        if (it.kind === 'post') {
          if (!newest || it.post.id > newest) newest = it.post.id;
          list.appendChild(card(it.post));
        } else list.appendChild(eventCard(it));
      });
      pg.pinned.forEach(function (p) { if (!newest || p.id > newest) newest = p.id; });
      next = pg.next || 0;
      more.hidden = !next;
      empty.hidden = !!(list.childNodes.length || pinned.childNodes.length);
    }).catch(ui.fail());
  }
  more.addEventListener('click', function () { if (next) load(next); });

  function live() {
    if (!window.EventSource) return;
    var es = new EventSource(P + '/stream?after=' + encodeURIComponent(newest));
    es.addEventListener('post', function (m) {
      var p;
      try { p = JSON.parse(m.data); } catch (e) { return; }
      if (document.getElementById('post-' + p.id)) { replace(p); return; }
      list.insertBefore(card(p), list.firstChild);
      empty.hidden = true;
    });
  }

  // --- the composer -----------------------------------------------------------
  function composer(me) {
    var form = document.getElementById('feed-form');
    if (!form) return;
    var text = document.getElementById('feed-text'), chips = document.getElementById('feed-chips');
    var err = document.getElementById('feed-error'), fileList = document.getElementById('feed-file-list');
    var chosen = [], uploads = [], known = { unit: {}, user: {} };
    form.querySelectorAll('[data-cmd]').forEach(function (b) {
      b.addEventListener('click', function () {
        text.focus();
        var cmd = b.getAttribute('data-cmd'), arg = null;
        if (cmd === 'createLink') { arg = window.prompt(t('link_prompt'), 'https://'); if (!arg) return; }
        document.execCommand(cmd, false, arg);
      });
    });
    function drawChips() {
      chips.textContent = '';
      chosen.forEach(function (c, i) {
        var s = el('span', 'feed-chip ' + c.kind, c.name);
        var x = button('×', 'feed-chip-x', function () { chosen.splice(i, 1); drawChips(); });
        x.setAttribute('aria-label', t('remove') + ' ' + c.name);
        s.appendChild(x);
        chips.appendChild(s);
      });
    }
    function add(kind, id, name) {
      if (!chosen.some(function (c) { return c.kind === kind && c.id === id; })) chosen.push({ kind: kind, id: id, name: name });
      drawChips();
    }
    add('unit', me.unit_id, me.unit_name);
    function picker(input, listEl, kind, path, rows, label) {
      var timer;
      input.addEventListener('input', function () {
        var v = input.value.trim();
        if (known[kind][v]) { add(kind, known[kind][v], v); input.value = ''; return; }
        clearTimeout(timer);
        timer = setTimeout(function () {
          api('GET', path + encodeURIComponent(v)).then(function (r) {
            listEl.textContent = '';
            rows(r).slice(0, 30).forEach(function (x) {
              var name = label(x);
              known[kind][name] = x.id;
              var o = el('option'); o.value = name; listEl.appendChild(o);
            });
          }).catch(function () {});
        }, 200);
      });
    }
    picker(document.getElementById('feed-unit'), document.getElementById('feed-unit-list'), 'unit', '/api/v1/units?q=',
      function (r) { return r.units; }, function (u) { return u.name; });
    picker(document.getElementById('feed-person'), document.getElementById('feed-person-list'), 'user', '/api/v1/users?limit=30&q=',
      function (r) { return r.users; }, function (u) { return u.full_name; });
    var picker2 = form.querySelector('.feed-file');
    picker2.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); document.getElementById('feed-files').click(); } });
    document.getElementById('feed-files').addEventListener('change', function (e) {
      Array.prototype.forEach.call(e.target.files, function (file) {
        var li = el('li', 'muted', file.name + ' · ' + t('uploading'));
        fileList.appendChild(li);
        ui.upload(P + '/uploads?name=' + encodeURIComponent(file.name), file).then(function (r) {
          uploads.push(r.file.id);
          li.className = ''; li.textContent = (r.file.image ? '🖼 ' : '📎 ') + r.file.name;
        }).catch(function (x) { li.className = 'error'; li.textContent = file.name + ': ' + x.message; });
      });
      e.target.value = '';
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      err.hidden = true;
      var opts = document.getElementById('feed-poll-opts').value.split('\n');
      var q = document.getElementById('feed-poll-q').value;
      var body = {
        html: text.innerHTML, important: document.getElementById('feed-important').checked, files: uploads,
        units: chosen.filter(function (c) { return c.kind === 'unit'; }).map(function (c) { return c.id; }),
        people: chosen.filter(function (c) { return c.kind === 'user'; }).map(function (c) { return c.id; }),
        poll: q.trim() || opts.join('').trim() ? { question: q, options: opts, multiple: document.getElementById('feed-poll-multi').checked } : null
      };
      var submit = document.getElementById('feed-submit');
      submit.disabled = true;
      api('POST', P + '/posts', body).then(function (r) {
        text.innerHTML = ''; uploads = []; fileList.textContent = '';
        document.getElementById('feed-important').checked = false;
        document.getElementById('feed-poll-q').value = ''; document.getElementById('feed-poll-opts').value = '';
        document.getElementById('feed-poll').open = false;
        if (!document.getElementById('post-' + r.post.id)) list.insertBefore(card(r.post), list.firstChild);
        empty.hidden = true;
      }).catch(ui.fail(err)).then(function () { submit.disabled = false; });
    });
  }

  ui.me().then(function (r) {
    ui.user = r.user;
    composer(r.user);
    return load();
  }).then(function () {
    live();
    // A notice links #post-<id>: show it even when it is not on the first page.
    var h = location.hash.match(/^#post-([\w-]+)$/);
    if (!h) return;
    var target = document.getElementById('post-' + h[1]);
    if (target) { target.scrollIntoView(); return; }
    api('GET', postURL(h[1])).then(function (r) {
      var c = card(r.post);
      list.insertBefore(c, list.firstChild);
      c.scrollIntoView();
    }).catch(ui.fail());
  });
})();
