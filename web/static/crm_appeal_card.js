// The parts of an appeal card on /appeals beyond its fields: the category
// and executors in the edit form, internal comments, files and the card's
// history; and, for administrators, the categories with their deadlines.
// crm.js calls ui.appealCard when it shows a card. Text only, never HTML.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var cats = null, staff = null;

  // Categories and what the caller may do with them, loaded once a page.
  ui.appealCategories = function (reload) {
    if (!cats || reload) cats = api('GET', '/api/v1/crm/appeal-categories?all=true');
    return cats;
  };
  // Colleagues who may be made co-executors (the caller's subtree).
  function colleagues() {
    if (!staff) staff = api('GET', '/api/v1/users?limit=500').then(function (r) { return r.users; }).catch(function () { return []; });
    return staff;
  }
  function section(card, title) {
    var s = el('section', 'a-extra');
    s.appendChild(el('h3', '', title));
    card.appendChild(s);
    return s;
  }

  // fields adds the category, due date and co-executor controls to the
  // card's edit form and returns a function giving their values.
  ui.appealFields = function (form, a) {
    var cat = el('select'); cat.name = 'category_id'; cat.setAttribute('aria-label', t('crm_category'));
    cat.add(new Option(t('crm_no_category'), ''));
    var due = el('input'); due.type = 'date'; due.name = 'due_on'; due.value = a.due_on || ''; due.hidden = true;
    due.setAttribute('aria-label', t('crm_due'));
    ui.appealCategories().then(function (r) {
      r.categories.forEach(function (c) {
        if (c.disabled && c.id !== a.category_id) return;
        var o = new Option(c.name + ' · ' + c.sla_days + ' ' + t(c.working_days ? 'crm_working_days' : 'crm_days'), c.id);
        o.selected = c.id === a.category_id; cat.add(o);
      });
      due.hidden = !r.can_set_due;
    });
    var chosen = (a.co_executors || []).slice(), chips = el('span', 'a-chips'), add = el('select');
    add.name = 'co_executor'; add.setAttribute('aria-label', t('crm_co_executors'));
    function drawChips() {
      chips.textContent = '';
      chosen.forEach(function (p, i) {
        var c = el('span', 'chip', p.name + ' '), x = el('button', '', '×');
        x.type = 'button'; x.setAttribute('aria-label', t('cancel'));
        x.addEventListener('click', function () { chosen.splice(i, 1); drawChips(); });
        c.appendChild(x); chips.appendChild(c);
      });
    }
    add.add(new Option('+ ' + t('crm_co_executor_add'), ''));
    colleagues().then(function (us) {
      us.forEach(function (u) { if (!u.disabled) add.add(new Option(u.full_name, u.id)); });
    });
    add.addEventListener('change', function () {
      var o = add.options[add.selectedIndex];
      if (o.value && !chosen.some(function (p) { return p.id === o.value; })) chosen.push({ id: o.value, name: o.text });
      add.value = ''; drawChips();
    });
    drawChips();
    [cat, due, chips, add].forEach(function (e) { form.appendChild(e); });
    return function () {
      var v = { category_id: cat.value, co_executor_ids: chosen.map(function (p) { return p.id; }) };
      if (!due.hidden && due.value) v.due_on = due.value;
      return v;
    };
  };

  // appealCard adds comments, files and history below a shown card.
  ui.appealCard = function (card, a) {
    var box = el('div', 'a-extras');
    card.appendChild(box);
    if (window.profhubTaskBlock) box.appendChild(window.profhubTaskBlock('appeal', a.id, a.number + (a.subject ? ' · ' + a.subject : ''))); // task_block.js
    var fields = ui.customFields ? ui.customFields('appeal').catch(function () { return []; }) : Promise.resolve([]);
    Promise.all([api('GET', '/api/v1/crm/appeals/' + encodeURIComponent(a.id) + '/details'), fields]).then(function (rs) {
      var d = rs[0], defs = rs[1];
      var com = section(box, t('crm_comments'));
      var ul = el('ul', 'a-comments');
      d.comments.forEach(function (c) {
        var li = el('li');
        li.appendChild(el('span', 'muted', ui.dateTime(c.created_at) + ' · ' + c.author_name));
        li.appendChild(el('p', 'text', c.text));
        ul.appendChild(li);
      });
      com.appendChild(ul);
      var cf = el('form', 'a-comment'), ta = el('textarea'), cb = el('button', '', t('crm_comment_add')), cm = el('span', 'error');
      ta.rows = 2; ta.maxLength = 5000; ta.name = 'comment'; ta.setAttribute('aria-label', t('crm_comment_add'));
      [ta, cb, cm].forEach(function (e) { cf.appendChild(e); });
      cf.addEventListener('submit', function (e) {
        e.preventDefault();
        api('POST', '/api/v1/crm/appeal-comments/' + encodeURIComponent(a.id), { text: ta.value })
          .then(function () { box.remove(); ui.appealCard(card, a); }).catch(ui.fail(cm));
      });
      com.appendChild(cf);

      var fs = section(box, t('crm_files'));
      var fl = el('ul', 'a-files');
      d.files.forEach(function (f) {
        var li = el('li'), link = el('a', '', f.name);
        link.href = '/api/v1/crm/appeals/' + encodeURIComponent(a.id) + '/files/' + encodeURIComponent(f.id);
        li.appendChild(link);
        li.appendChild(el('span', 'muted', ' · ' + Math.max(1, Math.round(f.size / 1024)) + ' KB · ' + f.uploaded_by));
        fl.appendChild(li);
      });
      fs.appendChild(fl);
      var inp = el('input'), fm = el('span', 'error a-file-error');
      inp.type = 'file'; inp.name = 'file'; inp.setAttribute('aria-label', t('crm_file_add'));
      inp.addEventListener('change', function () {
        var file = inp.files[0];
        if (!file) return;
        ui.upload('/api/v1/crm/uploads/appeals/' + encodeURIComponent(a.id) + '?name=' + encodeURIComponent(file.name), file)
          .then(function () { box.remove(); ui.appealCard(card, a); }).catch(ui.fail(fm));
      });
      fs.appendChild(inp); fs.appendChild(fm);

      var hs = section(box, t('crm_history'));
      var hl = el('ol', 'a-history');
      d.history.slice().reverse().forEach(function (e) {
        var li = el('li');
        li.appendChild(el('span', 'muted', ui.dateTime(e.at) + ' · ' + e.actor_name + ' · '));
        var what = t('crm_ev_' + e.action);
        if (e.note) what += ': ' + (e.action === 'notice' ? t('crm_notice_' + e.note) : e.note);
        li.appendChild(el('b', '', what));
        Object.keys(e.changes || {}).sort().forEach(function (k) {
          var v = e.changes[k], from = v[0], to = v[1];
          if (k === 'status') { from = from && t('crm_appeal_' + from); to = t('crm_appeal_' + to); }
          if (k === 'channel') { from = from && t('crm_ch_' + from); to = t('crm_ch_' + to); }
          if (k === 'priority') { from = t('prio' + from); to = t('prio' + to); }
          if (k === 'due_on') { from = ui.day(from); to = ui.day(to); }
          var txt = k.indexOf('custom.') === 0 ? ui.fieldLabel(k, defs) : t('crm_f_' + k);
          if (from === null && to === null) { /* a text: only that it changed */ } else if (e.action === 'create') txt += ': ' + to;
          else txt += ': ' + (from === '' ? '—' : from) + ' → ' + (to === '' ? '—' : to);
          li.appendChild(el('div', 'a-change', txt));
        });
        hl.appendChild(li);
      });
      hs.appendChild(hl);
    }).catch(function (e) { box.appendChild(el('p', 'error', e.message)); });
  };

  // The administrator's categories: name, deadline, working days, in use.
  ui.appealCategoryAdmin = function (root) {
    ui.appealCategories().then(function (r) {
      if (!r.can_manage) return;
      root.hidden = false;
      var table = root.querySelector('table'), form = root.querySelector('form'), msg = root.querySelector('.error');
      function draw(list) {
        table.textContent = '';
        var hr = el('tr');
        ['crm_category', 'crm_sla_days', 'crm_working_days', 'crm_disabled', ''].forEach(function (k) { hr.appendChild(el('th', '', k && t(k))); });
        table.appendChild(hr);
        list.forEach(function (c) {
          var tr = el('tr'), name = el('input'), days = el('input'), wd = el('input'), off = el('input'), save = el('button', '', t('crm_save'));
          name.value = c.name; name.maxLength = 200; name.setAttribute('aria-label', t('crm_category'));
          days.type = 'number'; days.min = 1; days.max = 366; days.value = c.sla_days; days.setAttribute('aria-label', t('crm_sla_days'));
          wd.type = 'checkbox'; wd.checked = c.working_days; wd.setAttribute('aria-label', t('crm_working_days'));
          off.type = 'checkbox'; off.checked = c.disabled; off.setAttribute('aria-label', t('crm_disabled'));
          save.type = 'button';
          save.addEventListener('click', function () {
            api('PATCH', '/api/v1/crm/appeal-categories/' + encodeURIComponent(c.id), { name: name.value, sla_days: Number(days.value),
              working_days: wd.checked, disabled: off.checked }).then(reload).catch(ui.fail(msg));
          });
          [name, days, wd, off, save].forEach(function (e) { var td = el('td'); td.appendChild(e); tr.appendChild(td); });
          table.appendChild(tr);
        });
      }
      function reload() { msg.textContent = ''; ui.appealCategories(true).then(function (r2) { draw(r2.categories); }); }
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        api('POST', '/api/v1/crm/appeal-categories', { name: form.elements.name.value, sla_days: Number(form.elements.sla_days.value),
          working_days: form.elements.working_days.checked }).then(function () { form.reset(); reload(); })
          .catch(ui.fail(msg));
      });
      draw(r.categories);
    }).catch(function () {});
  };
})();
