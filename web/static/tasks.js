// The tasks page (/tasks): the lists "my tasks", "assigned by me" and
// "watching" with their filters (#mine, #assigned, #watching), a task's
// card (#task/ID) with the actions the server offers the reader, the
// checklist, comments, files and history, and the form that sets a task
// (#new, prefilled from a document or an appeal: #new?source_kind=…).
// The server checks everything; its message shows where the action was.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var page = document.getElementById('tasks-page');
  if (!page) return;
  var view = document.getElementById('tasks-view'), A = '/api/v1/tasks';
  var staff = null;

  function fmt(s) {
    var args = Array.prototype.slice.call(arguments, 1);
    return s.replace(/%[sd]/g, function () { return args.length ? String(args.shift()) : ''; });
  }
  function people() {
    if (!staff) staff = api('GET', '/api/v1/users?limit=500').then(function (r) {
      return r.users.filter(function (u) { return !u.disabled; });
    }).catch(function () { return []; });
    return staff;
  }
  function badge(s) { return el('span', 'badge task-st st-' + s, t('task_status_' + s)); }
  function due(x) { return x.due_days ? fmt(t('task_due_in_days'), ui.day(x.due_on), x.due_days) : ui.day(x.due_on); }
  function error(box) { var p = el('p', 'error'); p.hidden = true; box.appendChild(p); return p; }
  function tabs(on) {
    document.querySelectorAll('#tasks-tabs a').forEach(function (a) {
      var cur = a.getAttribute('href') === '#' + on;
      a.classList.toggle('on', cur);
      if (cur) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
  }

  // ---- lists
  var filters = document.getElementById('tasks-filters');
  var statusSel = filters.elements.status;
  ['new', 'in_progress', 'awaiting_check', 'returned', 'done'].forEach(function (s) {
    var o = el('option', '', t('task_status_' + s)); o.value = s; statusSel.appendChild(o);
  });
  filters.addEventListener('input', function () { if (current) showList(current); });
  filters.addEventListener('submit', function (e) { e.preventDefault(); });
  var current = '';

  function showList(which) {
    current = which; tabs(which); filters.hidden = false;
    var f = filters.elements, q = new URLSearchParams({ view: which });
    if (f.status.value) q.set('status', f.status.value);
    if (f.overdue.checked) q.set('overdue', '1');
    if (f.from.value) q.set('from', f.from.value);
    if (f.to.value) q.set('to', f.to.value);
    if (f.q.value.trim()) q.set('q', f.q.value.trim());
    api('GET', A + '?' + q.toString()).then(function (r) {
      if (current !== which) return;
      view.textContent = '';
      if (!r.tasks.length) { view.appendChild(el('p', 'muted', t('task_no_tasks'))); return; }
      var ul = el('ul', 'task-list'); ul.id = 'task-list';
      r.tasks.forEach(function (x) { ul.appendChild(listItem(x, which)); });
      view.appendChild(ul);
    }).catch(ui.fail(null));
  }

  function listItem(x, which) {
    var li = el('li', x.overdue ? 'overdue' : '');
    var a = el('a', 'task-title', x.title); a.href = '#task/' + x.id;
    li.appendChild(a);
    var meta = el('div', 'task-meta');
    meta.appendChild(badge(x.status));
    if (x.overdue) meta.appendChild(el('span', 'badge off', t('task_overdue')));
    meta.appendChild(el('span', '', t('task_due') + ': ' + due(x)));
    meta.appendChild(el('span', '', which === 'assigned' ? t('task_assignee') + ': ' + x.assignee.name : t('task_creator') + ': ' + x.created_by.name));
    if (x.items_total) meta.appendChild(el('span', 'muted', '☑ ' + fmt(t('task_progress'), x.items_done, x.items_total)));
    if (x.source) meta.appendChild(el('span', 'muted', t('task_source_' + x.source.kind) + ' ' + x.source.title));
    li.appendChild(meta);
    if (x.absent) li.appendChild(el('div', 'task-absent', absentText(x.absent)));
    return li;
  }
  function absentText(a) { return fmt(t('task_absent'), t('abs_kind_' + a.kind).toLowerCase(), ui.day(a.until)); }

  // ---- the card
  function showTask(id) {
    current = ''; filters.hidden = true; tabs('');
    api('GET', A + '/' + encodeURIComponent(id)).then(function (r) { renderTask(r.task); }).catch(function (e) {
      view.textContent = ''; view.appendChild(el('p', 'error', e.message));
    });
  }

  function renderTask(x) {
    view.textContent = '';
    var card = el('article', 'card task-card'); card.id = 'task-card';
    var back = el('a', 'task-back', '← ' + t('task_back')); back.href = '#mine'; card.appendChild(back);
    card.appendChild(el('h1', '', x.title));
    var head = el('div', 'task-meta');
    var st = badge(x.status); st.id = 'task-status'; head.appendChild(st);
    if (x.overdue) head.appendChild(el('span', 'badge off', t('task_overdue')));
    card.appendChild(head);
    if (x.absent) card.appendChild(el('p', 'task-absent', absentText(x.absent)));
    var dl = el('dl', 'task-fields');
    function pair(k, v) { if (!v) return; dl.appendChild(el('dt', '', t(k))); var dd = el('dd'); if (typeof v === 'string') dd.textContent = v; else dd.appendChild(v); dl.appendChild(dd); }
    pair('task_creator', x.created_by.name);
    pair('task_assignee', x.assignee.name);
    pair('task_co', x.co_executors.map(function (p) { return p.name; }).join(', '));
    pair('task_observers', x.observers.map(function (p) { return p.name; }).join(', '));
    pair('task_due', due(x));
    if (x.source) { var sl = el('a', '', t('task_source_' + x.source.kind) + ' ' + x.source.title); sl.href = x.source.link; sl.id = 'task-source'; pair('task_source', sl); }
    card.appendChild(dl);
    if (x.description) card.appendChild(el('p', 'task-text', x.description));
    var err = error(card);
    var acts = el('div', 'task-actions');
    ['start', 'submit', 'accept'].forEach(function (a) {
      if (x.actions.indexOf(a) < 0) return;
      var b = el('button', a === 'accept' || a === 'submit' ? 'primary' : '', t('task_act_' + a)); b.type = 'button'; b.dataset.act = a;
      b.addEventListener('click', function () { act(x.id, a, '', err); });
      acts.appendChild(b);
    });
    if (x.actions.indexOf('return') >= 0) {
      var rf = el('form', 'task-return'), why = el('input'); why.name = 'text'; why.placeholder = t('task_return_why'); why.setAttribute('aria-label', t('task_return_why'));
      rf.appendChild(why); rf.appendChild(el('button', '', t('task_act_return')));
      rf.addEventListener('submit', function (e) { e.preventDefault(); act(x.id, 'return', why.value, err); });
      acts.appendChild(rf);
    }
    if (acts.childNodes.length) card.appendChild(acts);
    view.appendChild(card);
    view.appendChild(checklist(x));
    view.appendChild(comments(x));
    view.appendChild(files(x));
    view.appendChild(history(x));
  }

  function act(id, a, text, err) {
    api('POST', A + '/' + id + '/' + a, text ? { text: text } : undefined).then(function (r) { renderTask(r.task); }).catch(ui.fail(err));
  }

  function section(title) { var s = el('section', 'card'); s.appendChild(el('h2', '', title)); return s; }

  function checklist(x) {
    var s = section(t('task_checklist') + (x.items_total ? ' · ' + fmt(t('task_progress'), x.items_done, x.items_total) : ''));
    s.id = 'task-view-checklist';
    var ul = el('ul', 'task-checklist'), err;
    x.checklist.forEach(function (it) {
      var li = el('li'), lab = el('label', 'check'), cb = el('input');
      cb.type = 'checkbox'; cb.checked = it.done; cb.disabled = x.actions.indexOf('check') < 0;
      cb.addEventListener('change', function () {
        api('POST', A + '/' + x.id + '/checklist/' + it.id, { done: cb.checked }).then(function (r) { renderTask(r.task); }).catch(ui.fail(err));
      });
      lab.appendChild(cb); lab.appendChild(el('span', '', it.text));
      if (it.done && it.done_by_name) lab.appendChild(el('span', 'muted', '· ' + it.done_by_name));
      li.appendChild(lab);
      ul.appendChild(li);
    });
    s.appendChild(ul);
    err = error(s);
    if (x.actions.indexOf('add_item') >= 0) {
      var f = el('form', 'task-inline'), inp = el('input'); inp.name = 'text'; inp.maxLength = 300; inp.setAttribute('aria-label', t('task_add_item'));
      f.appendChild(inp); f.appendChild(el('button', '', t('task_add_item')));
      f.addEventListener('submit', function (e) {
        e.preventDefault();
        api('POST', A + '/' + x.id + '/checklist', { text: inp.value }).then(function (r) { renderTask(r.task); }).catch(ui.fail(err));
      });
      s.appendChild(f);
    }
    return s;
  }

  function comments(x) {
    var s = section(t('task_comments')), ol = el('ol', 'task-comments');
    x.comments.forEach(function (c) {
      var li = el('li'); li.appendChild(el('div', 'muted', c.author_name + ' · ' + ui.dateTime(c.at))); li.appendChild(el('div', 'task-text', c.text)); ol.appendChild(li);
    });
    s.appendChild(ol);
    var err = error(s);
    if (x.actions.indexOf('comment') >= 0) {
      var f = el('form', 'task-inline'), ta = el('textarea'); ta.name = 'text'; ta.rows = 2; ta.setAttribute('aria-label', t('task_comment'));
      f.appendChild(ta); f.appendChild(el('button', '', t('task_comment')));
      f.addEventListener('submit', function (e) {
        e.preventDefault();
        api('POST', A + '/' + x.id + '/comments', { text: ta.value }).then(function (r) { renderTask(r.task); }).catch(ui.fail(err));
      });
      s.appendChild(f);
    }
    return s;
  }

  function files(x) {
    var s = section(t('task_files')), ul = el('ul', 'task-files');
    x.files.forEach(function (f) {
      var li = el('li'), a = el('a', '', f.name); a.href = A + '/' + x.id + '/files/' + f.id;
      li.appendChild(a); li.appendChild(el('span', 'muted', ' · ' + f.uploaded_by_name + ' · ' + ui.dateTime(f.uploaded_at)));
      ul.appendChild(li);
    });
    s.appendChild(ul);
    var err = error(s);
    if (x.actions.indexOf('attach') >= 0) {
      var lab = el('label', 'task-upload', t('task_attach') + ' '), up = el('input'); up.type = 'file';
      up.addEventListener('change', function () {
        if (!up.files.length) return;
        ui.upload('/api/v1/task-uploads/' + x.id + '?name=' + encodeURIComponent(up.files[0].name), up.files[0])
          .then(function () { showTask(x.id); }).catch(ui.fail(err));
      });
      lab.appendChild(up); s.appendChild(lab);
    }
    return s;
  }

  function history(x) {
    var s = section(t('task_history')), ol = el('ol', 'task-history'); ol.id = 'task-history';
    x.history.forEach(function (h) {
      var li = el('li'), what = t('task_h_' + h.action);
      if (h.action === 'created') what = fmt(what, h.note);
      li.appendChild(el('span', 'muted', ui.dateTime(h.at) + ' · '));
      li.appendChild(el('b', '', h.who + ' ' + what));
      if (h.note && h.action !== 'created') li.appendChild(el('span', '', ': ' + h.note));
      ol.appendChild(li);
    });
    s.appendChild(ol);
    return s;
  }

  function showForm(params) {
    current = ''; filters.hidden = true; tabs('new');
    window.profhubTaskForm(view, params, people(), function (task) { location.hash = '#task/' + task.id; });
  }

  function route() {
    var h = location.hash.slice(1) || 'mine';
    ui.ready().then(function () {
      if (h.indexOf('task/') === 0) showTask(decodeURIComponent(h.slice(5)));
      else if (h.indexOf('new') === 0) showForm(new URLSearchParams(h.slice(4)));
      else showList(['mine', 'assigned', 'watching'].indexOf(h) >= 0 ? h : 'mine');
    });
  }
  window.addEventListener('hashchange', route);
  route();
}());
