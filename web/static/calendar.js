// The staff calendar: month, week and day views (the week and the day as
// an hourly grid, calendar_hours.js; on a phone as day blocks) and a list
// (the phone's view), an event form with invitees, an event card with answers, and the
// phone sync panel (CalDAV address, app passwords, feed). Everything goes
// through the calendar API; text is set with textContent only.
(function () {
  'use strict';
  var root = document.getElementById('calendar-page');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var view = document.getElementById('cal-view');
  var form = document.getElementById('cal-form');
  var card = document.getElementById('cal-event');
  var phone = window.matchMedia('(max-width: 414px)');
  var state = { view: phone.matches ? 'list' : 'month', day: today(), calendars: [], chosen: [], editing: null };

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function ymd(d) { return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()); }
  function today() { var d = new Date(); return new Date(d.getFullYear(), d.getMonth(), d.getDate()); }
  function addDays(d, n) { return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n); }
  // local is the wall time of an ISO instant as the server sent it (in
  // the user's zone): its date and clock, read without the browser's zone.
  function local(iso) { return { date: iso.slice(0, 10), time: iso.slice(11, 16) }; }

  function range() {
    var d = state.day;
    if (state.view === 'month') {
      var first = new Date(d.getFullYear(), d.getMonth(), 1);
      var start = addDays(first, -((first.getDay() + 6) % 7));
      return { from: start, to: addDays(start, 42) };
    }
    if (state.view === 'week') { var s = addDays(d, -((d.getDay() + 6) % 7)); return { from: s, to: addDays(s, 7) }; }
    if (state.view === 'day') return { from: d, to: addDays(d, 1) };
    return { from: d, to: addDays(d, 31) };
  }

  function title() {
    var d = state.day, months = t('months').split(',');
    var h = document.getElementById('cal-title');
    if (state.view === 'month') h.textContent = months[d.getMonth()] + ' ' + d.getFullYear();
    else if (state.view === 'day') h.textContent = ui.day(ymd(d));
    else { var r = range(); h.textContent = ui.day(ymd(r.from)) + ' – ' + ui.day(ymd(addDays(r.to, -1))); }
    root.querySelectorAll('.cal-views button').forEach(function (b) { b.classList.toggle('active', b.dataset.view === state.view); });
  }

  function load() {
    title();
    var r = range();
    var members = document.getElementById('cal-members-bd');
    return api('GET', '/api/v1/calendar/occurrences?from=' + ymd(r.from) + '&to=' + ymd(r.to) + (members.checked ? '&members=1' : '')).then(function (res) {
      var byDay = {};
      res.occurrences.forEach(function (o) {
        var s = local(o.start), e = local(o.end), d = s.date;
        // An event over several days shows on each of them.
        for (var i = 0; i < 62 && d <= e.date; i++) {
          if (d === e.date && e.time === '00:00' && d !== s.date) break;
          (byDay[d] = byDay[d] || []).push(o);
          var n = new Date(d + 'T00:00:00'); d = ymd(addDays(n, 1));
        }
      });
      res.birthdays.concat(res.member_birthdays || []).forEach(function (b) { (byDay[b.date] = byDay[b.date] || []).push({ birthday: b }); });
      view.textContent = '';
      view.className = 'cal-view cal-' + state.view;
      if (res.member_birthdays_more) view.appendChild(el('p', 'muted', t('members_bd_more')));
      if (state.view === 'month') month(r, byDay);
      else if (state.view !== 'list' && !phone.matches) window.profhubCalendarHours(view, r, byDay, hourHelpers);
      else days(r, byDay);
    }).catch(ui.fail());
  }

  function chip(o) {
    if (o.birthday) {
      var text = '🎂 ' + o.birthday.name + (o.birthday.age ? ' (' + o.birthday.age + ')' : '');
      if (!o.birthday.member_id) return el('div', 'cal-chip cal-birthday', text);
      // a union member's: their card, to congratulate them from it
      var a = el('a', 'cal-chip cal-birthday cal-member-bd', text);
      a.href = '/members?id=' + encodeURIComponent(o.birthday.member_id);
      return a;
    }
    var c = el('button', 'cal-chip cal-k-' + o.kind);
    c.type = 'button';
    c.appendChild(el('span', 'cal-time', o.all_day ? t('all_day') : local(o.start).time));
    c.appendChild(el('span', 'cal-name', o.title));
    if (o.my_answer === 'needs-action') c.classList.add('cal-pending');
    c.addEventListener('click', function () { openEvent(o.event_id); });
    return c;
  }

  function month(r, byDay) {
    var grid = el('div', 'cal-grid');
    t('weekdays').split(',').forEach(function (w) { grid.appendChild(el('div', 'cal-wd', w)); });
    for (var d = r.from; d < r.to; d = addDays(d, 1)) {
      var key = ymd(d), cell = el('div', 'cal-cell');
      if (d.getMonth() !== state.day.getMonth()) cell.classList.add('cal-other');
      if (key === ymd(today())) cell.classList.add('cal-today');
      cell.appendChild(el('div', 'cal-num', d.getDate()));
      (byDay[key] || []).forEach(function (o) { cell.appendChild(chip(o)); });
      grid.appendChild(cell);
    }
    view.appendChild(grid);
  }

  // days draws the week, the day and the list: one block per day.
  function days(r, byDay) {
    var any = false;
    for (var d = r.from; d < r.to; d = addDays(d, 1)) {
      var key = ymd(d), items = byDay[key] || [];
      if (state.view === 'list' && !items.length) continue;
      any = true;
      var box = el('section', 'cal-daybox');
      var wd = t('weekdays').split(',')[(d.getDay() + 6) % 7];
      box.appendChild(el('h3', key === ymd(today()) ? 'cal-today' : '', wd + ', ' + ui.day(key)));
      if (!items.length) box.appendChild(el('p', 'muted', t('nothing')));
      items.forEach(function (o) { box.appendChild(chip(o)); });
      view.appendChild(box);
    }
    if (!any) view.appendChild(el('p', 'muted', t('nothing_month')));
  }

  // What the hourly grid (calendar_hours.js) borrows from this page.
  var hourHelpers = { ymd: ymd, addDays: addDays, today: today, local: local, chip: chip,
    openDay: function (d) { state.day = d; state.view = 'day'; load(); } };

  // --- the event card -----------------------------------------------------
  function openEvent(id) {
    api('GET', '/api/v1/calendar/events/' + id).then(function (r) { showEvent(r.event); }).catch(ui.fail());
  }

  function showEvent(e) {
    form.hidden = true;
    card.textContent = '';
    card.hidden = false;
    card.appendChild(el('h2', '', e.title));
    card.appendChild(el('p', 'muted', t('kind.' + e.kind)));
    var s = local(e.start), en = local(e.end);
    var when = e.all_day ? ui.day(s.date) : ui.day(s.date) + ' ' + s.time + ' – ' + (en.date !== s.date ? ui.day(en.date) + ' ' : '') + en.time;
    card.appendChild(el('p', '', when + (e.rrule ? ' · ' + t('repeats') : '')));
    if (e.place) card.appendChild(el('p', '', t('f_place') + ': ' + e.place));
    if (e.description) card.appendChild(el('p', 'cal-desc', e.description));
    if (e.invitees.length) {
      var ul = el('ul', 'cal-people');
      e.invitees.forEach(function (v) { ul.appendChild(el('li', 'cal-st-' + v.status, v.name + ' — ' + t('status.' + v.status))); });
      card.appendChild(el('h3', '', t('f_invitees')));
      card.appendChild(ul);
    }
    var row = el('div', 'row'), msg = el('span', 'muted');
    if (e.my_answer) {
      ['accepted', 'tentative', 'declined'].forEach(function (st) {
        var b = el('button', st === e.my_answer ? 'primary' : '', t('answer.' + st));
        b.type = 'button';
        b.addEventListener('click', function () {
          api('POST', '/api/v1/calendar/events/' + e.id + '/answer', { status: st })
            .then(function (r) { showEvent(r.event); load(); }).catch(ui.fail(msg));
        });
        row.appendChild(b);
      });
    }
    if (e.can_write) {
      var ed = el('button', '', t('edit')); ed.type = 'button';
      ed.addEventListener('click', function () { edit(e); });
      var del = el('button', 'danger', t('delete')); del.type = 'button';
      del.addEventListener('click', function () {
        if (!window.confirm(t('delete_confirm'))) return;
        api('DELETE', '/api/v1/calendar/events/' + e.id).then(function () { card.hidden = true; load(); }).catch(ui.fail(msg));
      });
      row.appendChild(ed); row.appendChild(del);
    }
    var task = el('a', 'button', t('set_task')); // the tasks page's form, linked back to the event
    task.href = '/tasks#new?' + new URLSearchParams({ source_kind: 'event', source_id: e.id, source_title: e.title }).toString();
    row.appendChild(task);
    var close = el('button', '', t('close')); close.type = 'button';
    close.addEventListener('click', function () { card.hidden = true; });
    row.appendChild(close); row.appendChild(msg);
    card.appendChild(row);
    card.scrollIntoView({ block: 'nearest' });
  }

  window.profhubCalendarForm = { form: form, state: state, load: load, showEvent: showEvent, local: local, ymd: ymd };
  function edit(e) { window.profhubCalendarForm.open(e); }

  root.querySelectorAll('.cal-views button').forEach(function (b) {
    b.addEventListener('click', function () { state.view = b.dataset.view; load(); });
  });
  function step(n) {
    var d = state.day;
    if (state.view === 'month') state.day = new Date(d.getFullYear(), d.getMonth() + n, 1);
    else state.day = addDays(d, n * (state.view === 'week' ? 7 : state.view === 'day' ? 1 : 31));
    load();
  }
  document.getElementById('cal-prev').addEventListener('click', function () { step(-1); });
  document.getElementById('cal-next').addEventListener('click', function () { step(1); });
  document.getElementById('cal-today').addEventListener('click', function () { state.day = today(); load(); });
  document.getElementById('cal-new').addEventListener('click', function () { window.profhubCalendarForm.open(null); });
  // The members' birthdays are asked for, and the choice kept on this device.
  var membersBd = document.getElementById('cal-members-bd');
  try { membersBd.checked = localStorage.getItem('profhub.calendar.members_bd') === '1'; } catch (e) { /* private mode */ }
  membersBd.addEventListener('change', function () {
    try { localStorage.setItem('profhub.calendar.members_bd', membersBd.checked ? '1' : ''); } catch (e) { /* private mode */ }
    load();
  });

  ui.me().then(function () {
    return api('GET', '/api/v1/calendar/calendars');
  }).then(function (r) {
    state.calendars = r.calendars;
    var m = /^#event\/(.+)$/.exec(location.hash);
    if (m) openEvent(m[1]);
    return load();
  }).catch(ui.fail());
})();
