// The calendar's event form (with invitees found among the staff and, for
// receptions, the members) and the phone sync panel. Loaded after
// calendar.js, which hands over its state as window.profhubCalendarForm.
(function () {
  'use strict';
  var C = window.profhubCalendarForm;
  if (!C) return;
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var form = C.form, state = C.state, msg = document.getElementById('cal-form-msg');
  var chosenBox = document.getElementById('cal-chosen'), found = document.getElementById('cal-found');

  function calendars(selected) {
    var sel = form.elements.calendar_id;
    sel.textContent = '';
    state.calendars.filter(function (c) { return c.can_write; }).forEach(function (c) {
      var o = el('option', '', c.name); o.value = c.id; o.selected = c.id === selected; sel.appendChild(o);
    });
  }

  function drawChosen() {
    chosenBox.textContent = '';
    state.chosen.forEach(function (p, i) {
      var c = el('span', 'cal-chip-person', p.name);
      var x = el('button', 'cal-x', '×'); x.type = 'button'; x.setAttribute('aria-label', t('remove'));
      x.addEventListener('click', function () { state.chosen.splice(i, 1); drawChosen(); });
      c.appendChild(x); chosenBox.appendChild(c);
    });
  }

  function reception() {
    form.querySelector('[data-reception]').hidden = form.elements.kind.value !== 'reception';
  }

  C.open = function (e) {
    document.getElementById('cal-event').hidden = true;
    state.editing = e;
    form.reset();
    msg.textContent = '';
    document.getElementById('cal-form-title').textContent = e ? t('edit') : t('new');
    calendars(e ? e.calendar_id : (state.calendars[0] || {}).id);
    state.chosen = e ? e.invitees.map(function (v) { return { kind: v.kind, id: v.id, name: v.name }; }) : [];
    var day = C.ymd(state.day);
    if (e) {
      var f = form.elements, s = C.local(e.start), en = C.local(e.end);
      f.kind.value = e.kind; f.title.value = e.title; f.place.value = e.place; f.description.value = e.description;
      f.all_day.checked = e.all_day;
      f.start.value = s.date + 'T' + s.time;
      f.end.value = e.all_day ? C.ymd(new Date(new Date(en.date + 'T00:00:00').getTime() - 864e5)) + 'T00:00' : en.date + 'T' + en.time;
      var m = /FREQ=(\w+)/.exec(e.rrule || ''), n = /COUNT=(\d+)/.exec(e.rrule || '');
      f.repeat.value = m ? m[1] : ''; f.count.value = n ? n[1] : '';
      f.remind.value = String(e.remind_minutes);
    } else {
      form.elements.start.value = day + 'T10:00';
      form.elements.end.value = day + 'T11:00';
    }
    reception();
    drawChosen();
    form.hidden = false;
    form.elements.title.focus();
  };

  form.elements.kind.addEventListener('change', reception);
  document.getElementById('cal-cancel').addEventListener('click', function () { form.hidden = true; });

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var f = form.elements, allDay = f.all_day.checked;
    var rule = f.repeat.value ? 'FREQ=' + f.repeat.value + (f.count.value ? ';COUNT=' + f.count.value : '') : '';
    var body = { calendar_id: f.calendar_id.value, kind: f.kind.value, title: f.title.value, place: f.place.value,
      description: f.description.value, all_day: allDay,
      start: allDay ? f.start.value.slice(0, 10) : f.start.value, end: allDay ? f.end.value.slice(0, 10) : f.end.value,
      rrule: rule, remind_minutes: parseInt(f.remind.value, 10),
      invitees: state.chosen.map(function (p) { return { kind: p.kind, id: p.id }; }) };
    var e = state.editing;
    api(e ? 'PUT' : 'POST', '/api/v1/calendar/events' + (e ? '/' + e.id : ''), body).then(function (r) {
      form.hidden = true;
      C.load();
      C.showEvent(r.event);
    }).catch(ui.fail(msg));
  });

  // Invitees: staff from the directory, members from the CRM (receptions).
  var timer = null;
  function search(kind, q) {
    clearTimeout(timer);
    found.textContent = '';
    if (q.trim().length < 2) return;
    timer = setTimeout(function () {
      var path = kind === 'user' ? '/api/v1/users?limit=8&q=' : '/api/v1/crm/members?limit=8&q=';
      api('GET', path + encodeURIComponent(q)).then(function (r) {
        found.textContent = '';
        (kind === 'user' ? r.users : r.members).forEach(function (p) {
          var li = el('li'), b = el('button', '', p.full_name + (p.unit_name ? ' · ' + p.unit_name : ''));
          b.type = 'button';
          b.addEventListener('click', function () {
            if (!state.chosen.some(function (c) { return c.kind === kind && c.id === p.id; })) {
              state.chosen.push({ kind: kind, id: p.id, name: p.full_name });
            }
            found.textContent = ''; drawChosen();
          });
          li.appendChild(b); found.appendChild(li);
        });
        if (!found.childNodes.length) found.appendChild(el('li', 'muted', t('nobody')));
      }).catch(ui.fail(msg));
    }, 250);
  }
  document.getElementById('cal-find-staff').addEventListener('input', function (e) { search('user', e.target.value); });
  document.getElementById('cal-find-member').addEventListener('input', function (e) { search('member', e.target.value); });

  // --- the phone sync panel ------------------------------------------------
  var sync = document.getElementById('cal-sync'), syncMsg = document.getElementById('cal-sync-msg');
  var secretBox = document.getElementById('cal-new-secret');
  function loadSecrets() {
    return api('GET', '/api/v1/calendar/secrets').then(function (r) {
      document.getElementById('cal-dav-url').textContent = r.caldav_url;
      document.getElementById('cal-dav-login').textContent = r.login;
      var tb = document.getElementById('cal-secrets');
      tb.textContent = '';
      r.secrets.forEach(function (s) {
        var tr = el('tr');
        tr.appendChild(el('td', '', s.kind === 'feed' ? t('feed') : s.name));
        tr.appendChild(el('td', 'muted', t('made') + ' ' + ui.dateTime(s.created_at) + (s.used_at ? ' · ' + t('used') + ' ' + ui.dateTime(s.used_at) : '')));
        var td = el('td'), b = el('button', 'danger', t('revoke')); b.type = 'button';
        b.addEventListener('click', function () {
          api('DELETE', '/api/v1/calendar/secrets/' + s.id).then(loadSecrets).catch(ui.fail(syncMsg));
        });
        td.appendChild(b); tr.appendChild(td); tb.appendChild(tr);
      });
    });
  }
  function shown(label, value) {
    secretBox.textContent = '';
    secretBox.appendChild(el('span', '', label + ' '));
    secretBox.appendChild(el('code', '', value));
    secretBox.appendChild(el('span', 'muted', ' ' + t('shown_once')));
    secretBox.hidden = false;
  }
  document.getElementById('cal-sync-open').addEventListener('click', function () {
    sync.hidden = false; secretBox.hidden = true; loadSecrets().catch(ui.fail(syncMsg));
  });
  document.getElementById('cal-sync-close').addEventListener('click', function () { sync.hidden = true; });
  document.getElementById('cal-make-pass').addEventListener('click', function () {
    var name = document.getElementById('cal-device').value;
    api('POST', '/api/v1/calendar/secrets', { kind: 'app_password', name: name }).then(function (r) {
      shown(t('app_password'), r.value); return loadSecrets();
    }).catch(ui.fail(syncMsg));
  });
  document.getElementById('cal-make-feed').addEventListener('click', function () {
    api('POST', '/api/v1/calendar/secrets', { kind: 'feed' }).then(function (r) {
      shown(t('feed_url'), r.url); return loadSecrets();
    }).catch(ui.fail(syncMsg));
  });
  document.getElementById('cal-birthday-save').addEventListener('click', function () {
    api('PUT', '/api/v1/calendar/birthday', { date: document.getElementById('cal-birthday').value })
      .then(function () { syncMsg.textContent = t('saved'); C.load(); }).catch(ui.fail(syncMsg));
  });
})();
