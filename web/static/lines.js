// Lines and channels settings: everything through the JSON API, the same
// calls `profhub line …` and `profhub channel …` make.
(function () {
  'use strict';
  var root = document.getElementById('lines-page');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el;
  function $(id) { return document.getElementById(id); }
  var lines = [], users = [], current = null, ops = [];
  var api = ui.api;
  var form = $('line-form');
  function field(n) { return form.elements[n]; }

  // "mon-fri 09:00-18:00" lines ⇄ {week: {mon: [{from, to}]}}
  var days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  function parseWeek(text) {
    var week = {};
    text.split('\n').forEach(function (line) {
      var m = line.trim().match(/^([a-z]{3})(?:-([a-z]{3}))?\s+(\d\d:\d\d)-(\d\d:\d\d)$/);
      if (!m) return;
      var a = days.indexOf(m[1]), b = m[2] ? days.indexOf(m[2]) : a;
      for (var i = a; i >= 0 && i <= b; i++) (week[days[i]] = week[days[i]] || []).push({ from: m[3], to: m[4] });
    });
    return week;
  }
  function formatWeek(week) {
    return days.filter(function (d) { return week && week[d]; }).map(function (d) {
      return week[d].map(function (p) { return d + ' ' + p.from + '-' + p.to; }).join('\n');
    }).join('\n');
  }

  function renderList() {
    var ul = $('line-list');
    ul.textContent = '';
    lines.forEach(function (l) {
      var li = el('li', l.id === (current && current.id) ? 'on' : '');
      var a = el('a', '', l.name);
      a.href = '#';
      a.addEventListener('click', function (e) { e.preventDefault(); edit(l); });
      li.appendChild(a);
      li.appendChild(el('span', 'muted', ' · ' + t('mode_' + l.routing_mode) + ' · ' + l.operators.length));
      ul.appendChild(li);
    });
  }
  function renderOps() {
    var tb = $('op-rows');
    tb.textContent = '';
    ops.forEach(function (o, i) {
      var tr = el('tr');
      tr.appendChild(el('td', '', (i + 1) + '. ' + (o.name || o.user_id)));
      var cap = el('input'); cap.type = 'number'; cap.min = 0; cap.value = o.capacity || 0; cap.title = t('capacity');
      cap.addEventListener('change', function () { o.capacity = Number(cap.value); });
      var td = el('td'); td.appendChild(cap); tr.appendChild(td);
      var sup = el('input'); sup.type = 'checkbox'; sup.checked = !!o.supervisor;
      sup.addEventListener('change', function () { o.supervisor = sup.checked; });
      var l = el('label', 'check'); l.appendChild(sup); l.appendChild(document.createTextNode(' ' + t('line_supervisor')));
      td = el('td'); td.appendChild(l); tr.appendChild(td);
      td = el('td');
      [['↑', -1], ['↓', 1]].forEach(function (b) {
        var btn = el('button', '', b[0]); btn.type = 'button';
        btn.addEventListener('click', function () {
          var j = i + b[1];
          if (j < 0 || j >= ops.length) return;
          var x = ops[i]; ops[i] = ops[j]; ops[j] = x; renderOps();
        });
        td.appendChild(btn);
      });
      var rm = el('button', 'danger', '×'); rm.type = 'button';
      rm.addEventListener('click', function () { ops.splice(i, 1); renderOps(); });
      td.appendChild(rm);
      tr.appendChild(td);
      tb.appendChild(tr);
    });
  }
  $('op-add-btn').addEventListener('click', function () {
    var id = $('op-add').value;
    if (!id || ops.some(function (o) { return o.user_id === id; })) return;
    var u = users.find(function (x) { return x.id === id; });
    ops.push({ user_id: id, name: u ? u.full_name : id, capacity: 0, supervisor: false });
    renderOps();
  });

  function edit(l) {
    current = l;
    form.hidden = false;
    var d = l || { routing_mode: 'evenly', max_active: 5, offer_timeout_s: 60, queue_alert_s: 600, sticky: true, reopen_window_h: 24, auto_close_h: 72, return_after_min: 0, first_response_target_min: 0, resolution_target_min: 0, hours: {}, operators: [] };
    ['name', 'unit_id', 'routing_mode', 'max_active', 'offer_timeout_s', 'queue_alert_s', 'reopen_window_h', 'auto_close_h', 'return_after_min', 'first_response_target_min', 'resolution_target_min', 'welcome_reply', 'off_hours_reply'].forEach(function (k) {
      if (d[k] !== undefined) field(k).value = d[k];
      else field(k).value = '';
    });
    field('sticky').checked = !!d.sticky;
    field('ask_rating').checked = !!d.ask_rating;
    field('hours_week').value = formatWeek(d.hours && d.hours.week);
    field('hours_tz').value = (d.hours && d.hours.tz) || '';
    field('hours_holidays').value = ((d.hours && d.hours.holidays) || []).join(', ');
    ops = (d.operators || []).map(function (o) { return Object.assign({}, o); });
    renderOps();
    renderList();
    $('line-msg').textContent = '';
    $('channels').hidden = !l;
    if (l) loadChannels();
  }
  $('new-line').addEventListener('click', function () { edit(null); });

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = {
      name: field('name').value, unit_id: field('unit_id').value, routing_mode: field('routing_mode').value,
      max_active: Number(field('max_active').value), offer_timeout_s: Number(field('offer_timeout_s').value),
      queue_alert_s: Number(field('queue_alert_s').value), reopen_window_h: Number(field('reopen_window_h').value),
      auto_close_h: Number(field('auto_close_h').value), return_after_min: Number(field('return_after_min').value),
      first_response_target_min: Number(field('first_response_target_min').value), resolution_target_min: Number(field('resolution_target_min').value),
      sticky: field('sticky').checked, ask_rating: field('ask_rating').checked,
      welcome_reply: field('welcome_reply').value, off_hours_reply: field('off_hours_reply').value,
      hours: { tz: field('hours_tz').value.trim(), week: parseWeek(field('hours_week').value),
        holidays: field('hours_holidays').value.split(',').map(function (s) { return s.trim(); }).filter(Boolean) },
      operators: ops.map(function (o) { return { user_id: o.user_id, capacity: o.capacity || 0, supervisor: !!o.supervisor }; })
    };
    var p = current ? api('PUT', '/api/v1/inbox/lines/' + current.id, body) : api('POST', '/api/v1/inbox/lines', body);
    p.then(function (l) {
      $('line-msg').textContent = t('saved');
      return load().then(function () { edit(lines.find(function (x) { return x.id === l.id; })); $('line-msg').textContent = t('saved'); });
    }).catch(ui.fail($('line-msg')));
  });

  // --- channels of the line ------------------------------------------------
  var chForm = $('ch-form');
  function showKindFields() {
    var kind = chForm.elements.kind.value;
    chForm.querySelectorAll('[data-kind]').forEach(function (l) { l.hidden = l.dataset.kind !== kind; });
  }
  chForm.elements.kind.addEventListener('change', showKindFields);
  function loadChannels() {
    api('GET', '/api/v1/inbox/channels').then(function (r) {
      var tb = $('ch-rows');
      tb.textContent = '';
      r.channels.filter(function (c) { return c.line_id === current.id; }).forEach(function (c) {
        var tr = el('tr', c.disabled ? 'off' : '');
        tr.appendChild(el('td', '', c.kind));
        tr.appendChild(el('td', '', c.name));
        var hook = el('td', 'muted');
        hook.appendChild(el('code', '', c.kind === 'widget' ?
          '<script src="' + location.origin + '/widget/v1/widget.js" data-channel="' + c.id + '" async></script>' :
          location.origin + '/hooks/' + c.kind + '/' + c.id + (c.kind === 'api' ? '/messages' : '')));
        tr.appendChild(hook);
        var st = el('td', 'muted');
        api('GET', '/api/v1/inbox/channels/' + c.id + '/status').then(function (s) {
          // A channel its connector stopped (a revoked token) says so first.
          st.textContent = (s.failed_code ? '⛔ ' + t('channel_failed.' + s.failed_code) + ' ' : '') +
            (s.info || '') + (s.last_error ? ' ⚠ ' + s.last_error : '') +
            (s.last_update_at ? ' · ' + ui.dateTime(s.last_update_at) : '');
        }).catch(function () {});
        tr.appendChild(st);
        var td = el('td');
        var b = el('button', c.disabled ? '' : 'danger', c.disabled ? t('enable') : t('disable'));
        b.addEventListener('click', function () {
          api('POST', '/api/v1/inbox/channels/' + c.id + (c.disabled ? '/enable' : '/disable')).then(loadChannels);
        });
        td.appendChild(b);
        if (c.kind === 'widget') td.appendChild(limitsButton(c));
        if (c.kind === 'widget' && ui.widgetTriggers) td.appendChild(ui.widgetTriggers.button(c, loadChannels)); // widget_triggers.js
        tr.appendChild(td);
        tb.appendChild(tr);
      });
    });
  }
  // A widget channel's own abuse limits (empty: the node's default).
  var wlForm = $('wl-form'), wlChannel = null;
  function limitsButton(c) {
    var b = el('button', 'link', t('widget_limits'));
    b.addEventListener('click', function () {
      wlChannel = c;
      Array.prototype.forEach.call(wlForm.elements, function (i) { if (i.name) i.value = (c.settings || {})[i.name] || ''; });
      $('wl-msg').textContent = '';
      $('wl-dialog').showModal();
    });
    return b;
  }
  wlForm.addEventListener('submit', function (e) {
    if (e.submitter && e.submitter.value === 'cancel') return;
    e.preventDefault();
    var settings = {};
    Array.prototype.forEach.call(wlForm.elements, function (i) { if (i.name) settings[i.name] = i.value.trim(); });
    api('PATCH', '/api/v1/inbox/channels/' + wlChannel.id, { settings: settings }).then(function () {
      $('wl-dialog').close();
      loadChannels();
    }).catch(ui.fail($('wl-msg')));
  });

  chForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = chForm.elements, kind = f.kind.value;
    var body = { line_id: current.id, kind: kind, name: f.name.value, settings: {}, secrets: {} };
    if (kind === 'api' && f.webhook_url.value) body.settings.webhook_url = f.webhook_url.value;
    if (kind === 'telegram') body.secrets.bot_token = f.bot_token.value.trim();
    if (kind === 'widget' && f.allowed_origins.value.trim()) body.settings.allowed_origins = f.allowed_origins.value.trim();
    if (kind === 'vk') {
      body.secrets.access_token = f.access_token.value.trim();
      body.secrets.secret = f.secret.value.trim();
      body.settings.confirmation = f.confirmation.value.trim();
    }
    if (kind === 'sms') {
      body.settings.gateway_id = f.gateway_id.value;
      if (f.sender.value.trim()) body.settings.sender = f.sender.value.trim();
    }
    if (kind === 'telephony') {
      var prov = f.provider.value;
      body.settings.provider = prov;
      if (f.extensions.value.trim()) body.settings.extensions = f.extensions.value.trim();
      if (prov !== 'generic') {
        body.secrets.api_key = f.api_key.value.trim();
        body.secrets[prov === 'mango' ? 'api_salt' : 'api_secret'] = f.api_secret.value.trim();
      }
    }
    api('POST', '/api/v1/inbox/channels', body).then(function (r) {
      chForm.reset(); showKindFields();
      $('ch-msg').textContent = t('saved');
      var box = $('ch-secret');
      if (r.token) {
        box.textContent = t('channel_token_once') + '\n' + r.token + '\nwebhook secret: ' + r.webhook_secret;
        box.hidden = false;
      } else if (kind === 'sms' || kind === 'telephony' && body.settings.provider === 'generic') {
        // The PBX signs its events with this key: show it once, like a token.
        api('GET', '/api/v1/inbox/channels/' + r.channel.id + '/webhook-secret').then(function (s) {
          box.textContent = 'webhook secret: ' + s.webhook_secret;
          box.hidden = false;
        });
      } else box.hidden = true;
      loadChannels();
    }).catch(ui.fail($('ch-msg')));
  });

  function load() {
    return api('GET', '/api/v1/inbox/lines').then(function (r) { lines = r.lines; renderList(); });
  }
  ui.me().then(function (r) {
    return Promise.all([api('GET', '/api/v1/units'), api('GET', '/api/v1/users?limit=500'), load()]);
  }).then(function (r) {
    r[0].units.forEach(function (u) { field('unit_id').add(new Option('\u00a0\u00a0'.repeat(u.path.split('/').length - 3) + u.name, u.id)); });
    users = r[1].users;
    users.forEach(function (u) { $('op-add').add(new Option(u.full_name + ' (' + t('role.' + u.role) + ')', u.id)); });
    showKindFields();
    if (lines.length) edit(lines[0]);
    // An SMS channel sends through one of the mailings' SMS gateways.
    api('GET', '/api/v1/mailing/sms-gateways').then(function (g) {
      g.sms_gateways.forEach(function (x) { chForm.elements.gateway_id.add(new Option(x.name + (x.sender ? ' (' + x.sender + ')' : ''), x.id)); });
    }).catch(function () {});
  });
})();
