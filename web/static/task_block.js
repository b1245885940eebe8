// The tasks block on a document's or an appeal's card (documents.js and
// crm_appeal_card.js call profhubTaskBlock): the tasks set from it that the reader is party to,
// with their status, and "Set a task" leading to the tasks page's form
// prefilled with the link back.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el;
  window.profhubTaskBlock = function (kind, id, title) {
    var s = el('section', 'card doc-tasks no-print'); s.id = 'doc-tasks';
    var head = el('div', 'row'); head.appendChild(el('h2', '', t('task_block_' + kind)));
    var q = new URLSearchParams({ source_kind: kind, source_id: id, source_title: title });
    var b = el('a', 'button', t('task_from_doc')); b.href = '/tasks#new?' + q.toString(); b.id = 'doc-task-new';
    head.appendChild(b); s.appendChild(head);
    var ul = el('ul'); s.appendChild(ul);
    ui.api('GET', '/api/v1/tasks?source=' + encodeURIComponent(kind + ':' + id)).then(function (r) {
      if (!r.tasks.length) { s.appendChild(el('p', 'muted', t('task_no_tasks'))); return; }
      r.tasks.forEach(function (x) {
        var li = el('li'), a = el('a', '', x.title); a.href = '/tasks#task/' + x.id;
        li.appendChild(a);
        li.appendChild(el('span', 'badge task-st st-' + x.status, t('task_status_' + x.status)));
        li.appendChild(el('span', 'muted', x.assignee.name + ' · ' + ui.day(x.due_on)));
        if (x.overdue) li.appendChild(el('span', 'badge off', t('task_overdue')));
        ul.appendChild(li);
      });
    }).catch(function (e) { s.appendChild(el('p', 'error', e.message)); });
    return s;
  };
}());
