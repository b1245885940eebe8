// Document workflow: my tasks, the registry journal, registration, the
// document card with its decisions, history and files, the control report,
// the process diagrams and a live notification list. Everything comes from
// /api/v1/workflow; every text goes in as text, never as HTML.
(function () {
  'use strict';
  var root = document.getElementById('docs-page');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var view = document.getElementById('docs-view');
  var me = null, users = [];
  var W = '/api/v1/workflow';
  var KINDS = ['incoming', 'outgoing', 'internal'];

  function canRegister() { return me && (me.role === 'secretary' || me.role === 'administrator'); }
  function canRead() { return me && ['secretary', 'chairman', 'deputy', 'administrator'].indexOf(me.role) >= 0; }
  function prio(p) { p = p || 0; return el('span', 'badge prio-' + p, t('prio_' + p)); }
  function clear() { view.textContent = ''; }
  function msg(text, cls) { var p = el('p', cls || 'error', text); p.setAttribute('role', 'alert'); return p; }
  function field(label, input) { var l = el('label', '', label); l.appendChild(input); return l; }
  function input(name, type, required) {
    var i = el('input'); i.name = name; i.type = type || 'text'; if (required) i.required = true; return i;
  }
  function select(name, pairs) {
    var s = el('select'); s.name = name;
    pairs.forEach(function (p) { s.add(new Option(p[1], p[0])); });
    return s;
  }
  function table(heads) {
    var tb = el('table', 'list'), tr = el('tr');
    heads.forEach(function (h) { tr.appendChild(el('th', '', h)); });
    tb.appendChild(tr);
    return tb;
  }
  function row(cells, href) {
    var tr = el('tr');
    cells.forEach(function (c) {
      var td = el('td');
      if (c instanceof Node) td.appendChild(c); else td.textContent = c;
      tr.appendChild(td);
    });
    if (href) { tr.className = 'link'; tr.addEventListener('click', function () { location.hash = href; }); }
    return tr;
  }

  // ---- my tasks
  function showTasks() {
    clear();
    view.appendChild(el('h1', '', t('my_tasks')));
    api('GET', W + '/tasks').then(function (r) {
      if (!r.tasks.length) { view.appendChild(el('p', 'muted', t('no_tasks'))); return; }
      var tb = table([t('number'), t('title'), t('step'), t('priority'), t('deadline'), t('last_comment')]);
      r.tasks.forEach(function (x) {
        var tr = row([x.number, x.title, x.step_name, prio(x.priority), x.deadline ? ui.dateTime(x.deadline, '—') : '—', x.last_comment || ''],
          '#doc/' + x.document_id);
        if (x.overdue) tr.classList.add('overdue');
        tb.appendChild(tr);
      });
      view.appendChild(tb);
    }).catch(function (e) { view.appendChild(msg(e.message)); });
  }

  // ---- journal
  function showJournal(query) {
    clear();
    view.appendChild(el('h1', '', t('journal')));
    var f = el('form', 'filters');
    f.id = 'journal-filters';
    f.appendChild(select('kind', [['', t('all_kinds')]].concat(KINDS.map(function (k) { return [k, t('kind_' + k)]; }))));
    f.appendChild(select('status', [['', t('all_statuses')], ['active', t('status_active')], ['closed', t('status_closed')], ['rejected', t('status_rejected')]]));
    var q = input('q', 'search'); q.placeholder = t('search'); f.appendChild(q);
    var c = input('correspondent'); c.placeholder = t('correspondent'); f.appendChild(c);
    var from = input('from', 'date'); from.title = t('from'); f.appendChild(from);
    var to = input('to', 'date'); to.title = t('to'); f.appendChild(to);
    var od = el('label', 'check'); var odc = input('overdue', 'checkbox'); od.appendChild(odc); od.appendChild(document.createTextNode(t('overdue_only'))); f.appendChild(od);
    f.appendChild(el('button', 'primary', t('find')));
    var xl = el('a', '', t('export_xlsx')); f.appendChild(xl);
    view.appendChild(f);
    var out = el('div'); view.appendChild(out);
    var params = new URLSearchParams(query || '');
    ['kind', 'status', 'q', 'correspondent', 'from', 'to'].forEach(function (n) { f.elements[n].value = params.get(n) || ''; });
    odc.checked = params.get('overdue') === 'true';
    function load() {
      var p = new URLSearchParams();
      ['kind', 'status', 'q', 'correspondent', 'from', 'to'].forEach(function (n) { if (f.elements[n].value) p.set(n, f.elements[n].value); });
      if (odc.checked) p.set('overdue', 'true');
      p.set('limit', '200');
      xl.href = W + '/documents/export.xlsx?' + p.toString();
      out.textContent = '';
      api('GET', W + '/documents?' + p.toString()).then(function (r) {
        out.appendChild(el('p', 'muted', t('found') + ': ' + r.total));
        var tb = table([t('number'), t('registered'), t('title'), t('correspondent'), t('step'), t('priority'), t('deadline')]);
        r.documents.forEach(function (d) {
          var st = d.status === 'active' ? d.step_name : t('status_' + d.status);
          var tr = row([d.number, ui.date(d.created_at), d.title, d.correspondent || '—', st, prio(d.priority), ui.day(d.deadline, '—')], '#doc/' + d.id);
          if (d.overdue) tr.classList.add('overdue');
          tb.appendChild(tr);
        });
        out.appendChild(tb);
      }).catch(function (e) { out.appendChild(msg(e.message)); });
    }
    f.addEventListener('submit', function (e) { e.preventDefault(); load(); });
    load();
  }

  // ---- registration
  function showNew(pre) {
    clear();
    view.appendChild(el('h1', '', t('register')));
    var f = el('form', 'card grid'); f.id = 'register-form';
    var kind = select('kind', KINDS.map(function (k) { return [k, t('kind_' + k)]; }));
    f.appendChild(field(t('kind'), kind));
    f.appendChild(field(t('medium'), select('medium', [['electronic', t('medium_electronic')], ['paper', t('medium_paper')]])));
    var tpl = select('template_id', [['', t('no_template')]]);
    f.appendChild(field(t('template'), tpl));
    var title = field(t('title'), input('title', 'text', true)); title.classList.add('wide'); f.appendChild(title);
    f.appendChild(field(t('correspondent'), input('correspondent')));
    f.appendChild(field(t('orig_number'), input('orig_number')));
    f.appendChild(field(t('orig_date'), input('orig_date', 'date')));
    f.appendChild(field(t('received_on'), input('received_on', 'date')));
    f.appendChild(field(t('doc_date'), input('doc_date', 'date')));
    f.appendChild(field(t('delivery'), select('delivery', [['', '—'], ['почта', t('via_post')], ['e-mail', t('via_email')], ['курьер', t('via_courier')], ['лично', t('via_hand')], ['СЭД', t('via_edms')]])));
    f.appendChild(field(t('priority'), select('priority', [['0', t('prio_0')], ['1', t('prio_1')], ['2', t('prio_2')]])));
    f.appendChild(field(t('deadline'), input('deadline', 'date')));
    var sum = el('textarea'); sum.name = 'summary'; sum.rows = 3;
    var sl = field(t('summary'), sum); sl.classList.add('wide'); f.appendChild(sl);
    var files = input('files', 'file'); files.multiple = true;
    var fl = field(t('files'), files); fl.classList.add('wide'); f.appendChild(fl);
    var bar = el('div', 'wide row'); bar.appendChild(el('button', 'primary', t('register_btn')));
    var asTpl = el('button', '', t('save_template')); asTpl.type = 'button'; bar.appendChild(asTpl);
    var note = el('span', 'muted'); bar.appendChild(note);
    f.appendChild(bar);
    view.appendChild(f);
    function loadTemplates() {
      while (tpl.options.length > 1) tpl.remove(1);
      api('GET', W + '/templates?kind=' + kind.value).then(function (r) {
        r.templates.forEach(function (x) { tpl.add(new Option(x.name, x.id)); });
      });
    }
    kind.addEventListener('change', loadTemplates);
    var related = pre && pre.get('related_id') || '';
    if (pre) {
      ['kind', 'correspondent', 'title'].forEach(function (n) { if (pre.get(n)) f.elements[n].value = pre.get(n); });
      if (related) bar.appendChild(el('span', 'badge', t('reply_to') + ' ' + (pre.get('number') || '')));
    }
    loadTemplates();
    // A template keeps the fields filled in now and the chosen files.
    asTpl.addEventListener('click', function () {
      var v = f.elements, name = window.prompt(t('template_name'), v.title.value);
      if (!name) return;
      var fields = { medium: v.medium.value, title: v.title.value, correspondent: v.correspondent.value, delivery: v.delivery.value,
        priority: Number(v.priority.value), summary: v.summary.value, orig_number: v.orig_number.value };
      api('POST', W + '/templates', { kind: v.kind.value, name: name, fields: fields }).then(function (tp) {
        var p = Promise.resolve();
        Array.prototype.forEach.call(files.files || [], function (file) {
          p = p.then(function () {
            return ui.upload(W + '/uploads/templates/' + tp.id + '?name=' + encodeURIComponent(file.name), file);
          });
        });
        return p;
      }).then(function () { note.textContent = t('template_saved'); note.className = 'muted'; loadTemplates(); })
        .catch(function (err) { note.textContent = err.message; note.className = 'error'; });
    });
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var v = f.elements, body = { kind: v.kind.value, medium: v.medium.value, title: v.title.value, correspondent: v.correspondent.value,
        orig_number: v.orig_number.value, orig_date: v.orig_date.value, received_on: v.received_on.value, doc_date: v.doc_date.value,
        delivery: v.delivery.value, priority: Number(v.priority.value), deadline: v.deadline.value, summary: v.summary.value,
        template_id: v.template_id.value, related_id: related, member_id: pre && pre.get('member_id') || '' };
      note.textContent = '';
      api('POST', W + '/documents', body).then(function (doc) {
        return uploadAll(doc.id, files.files).then(function () { location.hash = '#doc/' + doc.id; });
      }).catch(function (err) { note.textContent = err.message; note.className = 'error'; });
    });
  }

  function upload(docID, file) {
    return ui.upload(W + '/uploads/documents/' + docID + '?name=' + encodeURIComponent(file.name), file);
  }
  function uploadAll(docID, list) {
    var p = Promise.resolve();
    Array.prototype.forEach.call(list || [], function (f) { p = p.then(function () { return upload(docID, f); }); });
    return p;
  }

  // ---- document card
  // showDoc renders a document; top brings its head back into view when
  // the page was scrolled past it (after a decision taken further down,
  // which on a phone leaves the reader among the files).
  function showDoc(id, top) {
    clear();
    api('GET', W + '/documents/' + id).then(function (v) {
      renderDoc(v);
      if (top && view.getBoundingClientRect().top < 0) view.scrollIntoView({ block: 'start' });
    }).catch(function (e) { view.appendChild(msg(e.message)); });
  }

  function renderDoc(v) {
    clear();
    var d = v.document;
    var card = el('div', 'doc-card'); card.id = 'doc-card';
    var h = el('h1'); h.appendChild(el('span', 'doc-number', d.number)); h.appendChild(document.createTextNode(' ' + d.title)); card.appendChild(h);
    var badges = el('div', 'row');
    badges.appendChild(el('span', 'badge status-' + d.status, d.status === 'active' ? d.step_name : t('status_' + d.status)));
    badges.appendChild(prio(d.priority));
    if (d.overdue) badges.appendChild(el('span', 'badge off', t('overdue')));
    if (d.signed_at) badges.appendChild(el('span', 'badge ok', t('signed') + ' ' + ui.dateTime(d.signed_at, '—') + ' · ' + d.signed_by));
    var pr = el('button', 'no-print', t('print')); pr.type = 'button'; pr.addEventListener('click', function () { window.print(); });
    badges.appendChild(pr);
    card.appendChild(badges);
    var dl = el('dl', 'fields');
    [['kind', t('kind_' + d.kind)], ['unit', d.unit_name], ['medium', t('medium_' + d.medium)], ['registered', ui.dateTime(d.created_at, '—')],
      ['correspondent', d.correspondent], ['orig_number', d.orig_number], ['orig_date', ui.day(d.orig_date, '—')], ['received_on', ui.day(d.received_on, '—')],
      ['delivery', d.delivery], ['deadline', ui.day(d.deadline, '—')], ['summary', d.summary]].forEach(function (p) {
      if (!p[1] || p[1] === '—') return;
      dl.appendChild(el('dt', '', t(p[0]))); dl.appendChild(el('dd', '', p[1]));
    });
    card.appendChild(dl);
    if (d.resolution) {
      var rs = el('div', 'card resolution'); rs.appendChild(el('h2', '', t('resolution')));
      rs.appendChild(el('p', 'text', d.resolution.text));
      rs.appendChild(el('p', 'muted', t('date') + ': ' + ui.day(d.resolution.date, '—') + ' · ' + t('deadline') + ': ' + ui.day(d.resolution.deadline, '—')));
      card.appendChild(rs);
    }
    if (d.rejection_reason) card.appendChild(msg(t('rejected_because') + ': ' + d.rejection_reason, 'notice'));
    if (d.dispatch) card.appendChild(el('p', 'notice', t('dispatched') + ': ' + t('via_' + d.dispatch.method) + ', ' + ui.day(d.dispatch.sent_on, '—') +
      (d.dispatch.address ? ' · ' + d.dispatch.address : '') + (d.dispatch.note ? ' · ' + d.dispatch.note : '')));
    if (v.related && v.related.length) {
      var rl = el('p', 'related'); rl.appendChild(el('span', 'muted', t('related') + ': '));
      v.related.forEach(function (x) { var a = el('a', '', x.number + ' · ' + x.title); a.href = '#doc/' + x.id; rl.appendChild(a); rl.appendChild(document.createTextNode(' ')); });
      card.appendChild(rl);
    }
    if (d.kind === 'incoming' && canRegister()) {
      var reply = el('a', 'button no-print', t('reply_outgoing'));
      var q = new URLSearchParams({ kind: 'outgoing', related_id: d.id, number: d.number, correspondent: d.correspondent || '', title: t('reply_title') + ' ' + d.number });
      if (d.member_id) q.set('member_id', d.member_id);
      reply.href = '#new?' + q.toString();
      badges.appendChild(reply);
    }
    view.appendChild(card);
    if (window.profhubTaskBlock) view.appendChild(window.profhubTaskBlock('document', d.id, d.number + ' · ' + d.title)); // task_block.js
    if (v.decisions.length) view.appendChild(decisionForm(v));
    var cols = el('div', 'doc-cols');
    var left = el('div'), right = el('div');
    left.appendChild(el('h2', '', t('route')));
    var img = el('img', 'diagram'); img.alt = t('route');
    img.src = W + '/definitions/' + encodeURIComponent(d.process_id) + '/diagram.svg?version=' + d.process_version + '&current=' + encodeURIComponent(d.step);
    left.appendChild(img);
    right.appendChild(el('h2', '', t('files')));
    var at = table([t('file'), t('version'), t('uploaded'), '']);
    v.attachments.forEach(function (a) {
      var link = el('a', '', a.name); link.href = W + '/attachments/' + a.id;
      at.appendChild(row([link, 'v' + a.version, a.uploaded_by + ', ' + ui.dateTime(a.uploaded_at, '—'), a.signed ? el('span', 'badge ok', t('signed_version')) : '']));
    });
    right.appendChild(at);
    var up = input('file', 'file'); up.className = 'no-print';
    up.addEventListener('change', function () {
      uploadAll(d.id, up.files).then(function () { showDoc(d.id); }).catch(function (e) { right.appendChild(msg(e.message)); });
    });
    // Files may be added by the secretary and by whoever works on it now.
    var working = v.tasks.some(function (x) { return x.status === 'open' && x.assignee_id === me.id; });
    if (canRegister() || working) right.appendChild(field(t('add_file'), up));
    right.appendChild(el('h2', '', t('tasks')));
    var tt = table([t('step'), t('who'), t('deadline'), t('result')]);
    v.tasks.forEach(function (x) {
      var res = x.status === 'open' ? t('in_work') : x.status === 'cancelled' ? t('cancelled') : x.decision_label + (x.report ? ': ' + x.report : '');
      var tr = row([x.step_name, x.assignee_name, x.deadline ? ui.dateTime(x.deadline, '—') : '—', res]);
      if (x.overdue) tr.classList.add('overdue');
      tt.appendChild(tr);
    });
    right.appendChild(tt);
    cols.appendChild(right); cols.appendChild(left);
    view.appendChild(cols);
    view.appendChild(el('h2', '', t('history')));
    var hl = el('ol', 'history'); hl.id = 'history';
    v.history.forEach(function (e) {
      var li = el('li');
      li.appendChild(el('span', 'muted', ui.dateTime(e.at, '—') + ' · ' + e.actor_name + ' · '));
      var what = t('ev_' + e.action);
      if (e.action === 'decision' && e.details) what = e.details.label;
      if (e.action === 'attachment' && e.details) what += ': ' + e.details.name + ' v' + e.details.version;
      li.appendChild(el('b', '', what));
      if (e.comment) li.appendChild(el('div', 'text', e.comment));
      if (e.details && e.details.report) li.appendChild(el('div', 'text', t('report') + ': ' + e.details.report));
      hl.appendChild(li);
    });
    view.appendChild(hl);
    var cf = el('form', 'row no-print'); cf.id = 'comment-form';
    var ct = el('textarea'); ct.name = 'text'; ct.rows = 2; ct.required = true; ct.placeholder = t('comment_hint');
    cf.appendChild(ct); cf.appendChild(el('button', '', t('comment')));
    cf.addEventListener('submit', function (e) {
      e.preventDefault();
      api('POST', W + '/documents/' + d.id + '/comments', { text: ct.value }).then(function () { showDoc(d.id); })
        .catch(function (err) { cf.appendChild(msg(err.message)); });
    });
    view.appendChild(cf);
  }

  function decisionForm(v) {
    var d = v.document;
    var box = el('form', 'card decide no-print'); box.id = 'decide';
    box.appendChild(el('h2', '', t('your_decision') + ': ' + d.step_name));
    var buttons = el('div', 'row'); box.appendChild(buttons);
    var extra = el('div', 'grid'); box.appendChild(extra);
    var note = el('p', 'error'); note.hidden = true; box.appendChild(note);
    var chosen = null;
    v.decisions.forEach(function (dec) {
      var b = el('button', 'choice', dec.label); b.type = 'button'; b.dataset.decision = dec.id;
      b.addEventListener('click', function () {
        chosen = dec;
        Array.prototype.forEach.call(buttons.children, function (c) { c.classList.toggle('on', c === b); });
        buildExtra(dec);
      });
      buttons.appendChild(b);
    });
    function buildExtra(dec) {
      extra.textContent = '';
      if (dec.effect === 'resolution') {
        var rt = el('textarea'); rt.name = 'res_text'; rt.rows = 3; rt.required = true;
        var l = field(t('resolution_text'), rt); l.classList.add('wide'); extra.appendChild(l);
        extra.appendChild(field(t('deadline'), input('res_deadline', 'date', true)));
        extra.appendChild(field(t('priority'), select('res_priority', [['0', t('prio_0')], ['1', t('prio_1')], ['2', t('prio_2')]])));
      }
      if (dec.effect === 'dispatch') {
        extra.appendChild(field(t('dispatch_method'), select('method', [['email', t('via_email')], ['post', t('via_post')], ['courier', t('via_courier')], ['hand', t('via_hand')]])));
        extra.appendChild(field(t('address'), input('address')));
        extra.appendChild(field(t('sent_on'), input('sent_on', 'date')));
      }
      if (dec.choose) {
        var fs = el('fieldset', 'wide people'); fs.appendChild(el('legend', '', t('choose_people')));
        users.filter(function (u) { return u.id !== me.id; }).forEach(function (u) {
          var lab = el('label', 'check'); var cb = input('assignee', 'checkbox'); cb.value = u.id;
          lab.appendChild(cb); lab.appendChild(document.createTextNode(u.full_name + ' — ' + t('role_' + u.role) + ', ' + u.unit_name));
          fs.appendChild(lab);
        });
        extra.appendChild(fs);
      }
      if (v.step_all) {
        var rp = el('textarea'); rp.name = 'report'; rp.rows = 2;
        var rl = field(t('report'), rp); rl.classList.add('wide'); extra.appendChild(rl);
      }
      var cm = el('textarea'); cm.name = 'comment'; cm.rows = 2; cm.required = !!(dec.need_comment || dec.effect === 'reject');
      var cl = field(dec.need_comment || dec.effect === 'reject' ? t('reason') : t('comment_opt'), cm); cl.classList.add('wide'); extra.appendChild(cl);
      var go = el('button', 'primary', t('confirm') + ': ' + dec.label); go.id = 'decide-go';
      var bar = el('div', 'wide row'); bar.appendChild(go); extra.appendChild(bar);
    }
    box.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!chosen) return;
      var f = box.elements, body = { decision: chosen.id, comment: f.comment.value, state_version: d.state_version };
      if (chosen.effect === 'resolution') body.resolution = { text: f.res_text.value, deadline: f.res_deadline.value, priority: Number(f.res_priority.value) };
      if (chosen.effect === 'dispatch') body.dispatch = { method: f.method.value, address: f.address.value, sent_on: f.sent_on.value };
      if (chosen.choose) body.assignees = Array.prototype.filter.call(box.querySelectorAll('input[name=assignee]'), function (c) { return c.checked; })
        .map(function (c) { return c.value; });
      if (f.report) body.report = f.report.value;
      api('POST', W + '/documents/' + d.id + '/decisions', body).then(function () { showDoc(d.id, true); refreshNotes(); })
        .catch(function (err) { note.hidden = false; note.textContent = err.message; });
    });
    return box;
  }

  // ---- activity feed: what happened to the documents the person sees
  function showFeed() {
    clear();
    view.appendChild(el('h1', '', t('feed')));
    api('GET', W + '/feed?limit=100').then(function (r) {
      if (!r.events.length) { view.appendChild(el('p', 'muted', t('no_events'))); return; }
      var ol = el('ol', 'history feed'); ol.id = 'feed';
      r.events.forEach(function (e) {
        var li = el('li');
        li.appendChild(el('span', 'muted', ui.dateTime(e.at, '—') + ' · ' + e.actor_name + ' · '));
        var what = e.action === 'decision' && e.details ? e.details.label : t('ev_' + e.action);
        li.appendChild(el('b', '', what + ' '));
        var a = el('a', '', e.number + ' · ' + e.title); a.href = '#doc/' + e.document_id; li.appendChild(a);
        if (e.comment) li.appendChild(el('div', 'text', e.comment));
        ol.appendChild(li);
      });
      view.appendChild(ol);
    }).catch(function (e) { view.appendChild(msg(e.message)); });
  }

  // ---- control report and processes
  function showControl() {
    clear();
    view.appendChild(el('h1', '', t('control')));
    api('GET', W + '/reports/control').then(function (r) {
      if (!r.tasks.length) { view.appendChild(el('p', 'muted', t('nothing_overdue'))); return; }
      var tb = table([t('number'), t('title'), t('step'), t('who'), t('deadline'), t('days_late')]);
      r.tasks.forEach(function (x) {
        var late = Math.floor((Date.now() - new Date(x.deadline)) / 86400000);
        var tr = row([x.number, x.title, x.step_name, x.assignee_name, ui.dateTime(x.deadline, '—'), String(late)], '#doc/' + x.document_id);
        tr.classList.add('overdue'); tb.appendChild(tr);
      });
      view.appendChild(tb);
    }).catch(function (e) { view.appendChild(msg(e.message)); });
  }
  function showProcesses() {
    clear();
    view.appendChild(el('h1', '', t('processes')));
    var admin = me.role === 'administrator';
    if (admin) view.appendChild(formatsCard());
    api('GET', W + '/definitions').then(function (r) {
      r.definitions.forEach(function (d) {
        var c = el('div', 'card');
        c.appendChild(el('h2', '', d.name + ' · v' + d.version));
        var img = el('img', 'diagram'); img.alt = d.name; img.src = W + '/definitions/' + encodeURIComponent(d.id) + '/diagram.svg?version=' + d.version;
        c.appendChild(img);
        if (admin) c.appendChild(definitionEditor(d));
        view.appendChild(c);
      });
    });
  }

  // The administrator edits a process as JSON; the server validates it
  // (dead ends, unreachable steps) and saves it as the next version.
  function definitionEditor(d) {
    var det = el('details', 'no-print'), f = el('form');
    det.appendChild(el('summary', '', t('edit_definition')));
    var ta = el('textarea', 'code'); ta.rows = 18; ta.name = 'body';
    var copy = JSON.parse(JSON.stringify(d)); delete copy.version;
    ta.value = JSON.stringify(copy, null, 2);
    f.appendChild(ta);
    var bar = el('div', 'row'), note = el('span', 'muted');
    bar.appendChild(el('button', 'primary', t('save_version'))); bar.appendChild(note); f.appendChild(bar);
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var body;
      try { body = JSON.parse(ta.value); } catch (err) { note.textContent = err.message; note.className = 'error'; return; }
      api('PUT', W + '/definitions/' + encodeURIComponent(d.id), body).then(function () { showProcesses(); })
        .catch(function (err) { note.textContent = err.message; note.className = 'error'; });
    });
    det.appendChild(f);
    return det;
  }

  function formatsCard() {
    var c = el('div', 'card'); c.id = 'formats';
    c.appendChild(el('h2', '', t('number_formats')));
    c.appendChild(el('p', 'muted', t('format_hint')));
    api('GET', W + '/registries').then(function (r) {
      var tb = table([t('unit'), t('kind'), t('format'), t('mark_paper'), t('mark_electronic'), t('last_number'), '']);
      r.registries.forEach(function (g) {
        var fmt = input('format'); fmt.value = g.format;
        var pm = input('paper_mark'); pm.value = g.paper_mark; pm.size = 3;
        var em = input('electronic_mark'); em.value = g.electronic_mark; em.size = 3;
        var b = el('button', '', t('save')); b.type = 'button';
        var tr = row([g.unit_name, t('kind_' + g.kind), fmt, pm, em, String(g.last_seq), b]);
        b.addEventListener('click', function () {
          api('PUT', W + '/registries/' + g.unit_id + '/' + g.kind, { format: fmt.value, paper_mark: pm.value, electronic_mark: em.value })
            .then(function () { b.textContent = t('saved'); }).catch(ui.fail(b));
        });
        tb.appendChild(tr);
      });
      c.appendChild(tb);
    }).catch(function (e) { c.appendChild(msg(e.message)); });
    return c;
  }

  // ---- notifications: polled, newest first, unread counted in the tab.
  var notes = document.getElementById('docs-notes'), unread = document.getElementById('docs-unread');
  function refreshNotes() {
    return api('GET', W + '/notifications?limit=30').then(function (r) {
      unread.textContent = r.unread ? String(r.unread) : '';
      notes.textContent = '';
      if (!r.notifications.length) notes.appendChild(el('li', 'muted', t('no_notes')));
      r.notifications.forEach(function (n) {
        var li = el('li', n.read ? 'read' : 'unread');
        var a = el('a', '', n.text);
        a.href = n.appeal_id ? '/appeals?id=' + encodeURIComponent(n.appeal_id) : '#doc/' + n.document_id;
        li.appendChild(el('span', 'muted', ui.dateTime(n.at, '—') + ' · ' + t('note_' + n.kind)));
        li.appendChild(a);
        notes.appendChild(li);
      });
    }).catch(function () {});
  }
  document.getElementById('docs-read-all').addEventListener('click', function () {
    api('POST', W + '/notifications/read', {}).then(refreshNotes);
  });

  function route() {
    var h = location.hash.replace(/^#/, '');
    refreshNotes();
    Array.prototype.forEach.call(root.querySelectorAll('nav.tabs a'), function (a) {
      a.classList.toggle('on', h.indexOf(a.getAttribute('href').slice(1)) === 0);
    });
    if (h.indexOf('doc/') === 0) return showDoc(h.slice(4));
    if (h.indexOf('journal') === 0) return showJournal(h.split('?')[1]);
    if (h === 'control' && canRead()) return showControl();
    if (h === 'processes') return showProcesses();
    if (h === 'feed') return showFeed();
    if (h.indexOf('new') === 0 && canRegister()) return showNew(new URLSearchParams(h.split('?')[1] || ''));
    return showTasks();
  }
  ui.me().then(function (r) {
    me = r.user;
    root.querySelectorAll('[data-need=register]').forEach(function (n) { n.hidden = !canRegister(); });
    root.querySelectorAll('[data-need=read]').forEach(function (n) { n.hidden = !canRead(); });
    return api('GET', '/api/v1/users?limit=500').then(function (u) { users = u.users.filter(function (x) { return !x.disabled; }); }).catch(function () {});
  }).then(function () {
    // Each view starts at its top, as a new page would.
    window.addEventListener('hashchange', function () { route(); window.scrollTo(0, 0); });
    route();
    setInterval(refreshNotes, 15000);
  });
})();
