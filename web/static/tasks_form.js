// The form that sets a task (tasks.js shows it at #new): title, text,
// the assignee, co-executors and observers among the active staff the
// caller sees, a deadline as a date or as working days, a checklist (one
// item a line) and, when it comes from a document or an appeal, the
// source (#new?source_kind=document&source_id=…&source_title=…).
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el;

  function field(label, input, cls) {
    var l = el('label', cls || ''); l.appendChild(el('span', '', label)); l.appendChild(input); return l;
  }
  function select(name, list, multiple) {
    var s = el('select'); s.name = name; s.multiple = !!multiple;
    if (!multiple) { var o = el('option', '', '—'); o.value = ''; s.appendChild(o); }
    list.forEach(function (u) { var o = el('option', '', u.full_name); o.value = u.id; s.appendChild(o); });
    if (multiple) s.size = Math.min(5, Math.max(3, list.length));
    return s;
  }
  function chosen(s) { return Array.prototype.filter.call(s.options, function (o) { return o.selected && o.value; }).map(function (o) { return o.value; }); }

  window.profhubTaskForm = function (view, params, staff, done) {
    view.textContent = '';
    var f = el('form', 'card task-form'); f.id = 'task-form';
    f.appendChild(el('h1', 'wide', t('task_new')));
    var kind = params.get('source_kind') || '', sid = params.get('source_id') || '';
    if (kind) {
      var src = el('p', 'wide task-source-line'); src.appendChild(el('span', 'muted', t('task_source') + ': '));
      var a = el('a', '', t('task_source_' + kind) + ' ' + (params.get('source_title') || ''));
      a.href = ({ document: '/documents#doc/', appeal: '/appeals?id=', conversation: '/inbox?c=', event: '/calendar#event/' }[kind] || '#') + encodeURIComponent(sid);
      src.appendChild(a); f.appendChild(src);
    }
    var title = el('input'); title.name = 'title'; title.maxLength = 300; title.required = true;
    f.appendChild(field(t('task_title'), title, 'wide'));
    var text = el('textarea'); text.name = 'description'; text.rows = 3;
    f.appendChild(field(t('task_description'), text, 'wide'));
    var err = el('p', 'error wide'); err.hidden = true; err.id = 'task-form-error';
    var due = el('fieldset', 'task-due');
    due.appendChild(el('legend', '', t('task_due')));
    var byDays = el('select'); byDays.name = 'due_kind';
    [['days', t('task_due_kind_days')], ['date', t('task_due_kind_date')]].forEach(function (p) { var o = el('option', '', p[1]); o.value = p[0]; byDays.appendChild(o); });
    byDays.setAttribute('aria-label', t('task_due'));
    var days = el('input'); days.type = 'number'; days.name = 'due_days'; days.min = 1; days.max = 365; days.value = 5; days.setAttribute('aria-label', t('task_due_days'));
    var date = el('input'); date.type = 'date'; date.name = 'due_on'; date.hidden = true; date.setAttribute('aria-label', t('task_due_date'));
    byDays.addEventListener('change', function () { days.hidden = byDays.value !== 'days'; date.hidden = byDays.value !== 'date'; });
    due.appendChild(byDays); due.appendChild(days); due.appendChild(date);
    var items = el('textarea'); items.name = 'checklist'; items.rows = 3; items.placeholder = t('task_checklist_hint');
    staff.then(function (list) {
      var as = select('assignee_id', list), co = select('co_executor_ids', list, true), ob = select('observer_ids', list, true);
      co.title = ob.title = t('task_people_hint');
      f.insertBefore(field(t('task_assignee'), as), err);
      f.insertBefore(due, err);
      f.insertBefore(field(t('task_co'), co), err);
      f.insertBefore(field(t('task_observers'), ob), err);
      f.insertBefore(field(t('task_checklist'), items, 'wide'), err);
      f.addEventListener('submit', function (e) {
        e.preventDefault();
        var body = { title: title.value, description: text.value, assignee_id: as.value, co_executor_ids: chosen(co), observer_ids: chosen(ob),
          checklist: items.value.split('\n'), source_kind: kind, source_id: sid };
        if (byDays.value === 'days') body.due_days = +days.value || 0; else body.due_on = date.value;
        ui.api('POST', '/api/v1/tasks', body).then(function (r) { done(r.task); }).catch(ui.fail(err));
      });
    });
    f.appendChild(err);
    var bw = el('div', 'wide'), b = el('button', 'primary', t('task_create')); b.id = 'task-create'; bw.appendChild(b); f.appendChild(bw);
    view.appendChild(f);
    title.focus();
  };
}());
