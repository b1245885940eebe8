// Webhooks (/admin/webhooks): an administrator subscribes an endpoint to
// event types (the secret is shown once), turns endpoints off and on, and
// reads each one's delivery log: status, attempts, the last answer, the
// next attempt, with "send again". The server checks everything.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('webhooks-page')) return;
  var errBox = document.getElementById('wh-error'), form = document.getElementById('wh-form');
  var list = document.getElementById('wh-list'), types = [];

  function fill(s) { var a = [].slice.call(arguments, 1); return s.replace(/%s/g, function () { return a.shift(); }); }
  function typeName(k) { return t('wh_type_' + k) || k; }
  function fail(box) { return function (err) { ui.showError(box, err); box.hidden = false; }; }

  function load() {
    return api('GET', '/api/v1/webhooks').then(function (r) {
      errBox.hidden = true;
      if (!types.length) drawTypes(r.types);
      drawList(r.endpoints);
    }, fail(errBox));
  }

  function drawTypes(ts) {
    types = ts;
    var box = document.getElementById('wh-types');
    ts.forEach(function (k) {
      var l = el('label'), c = el('input');
      c.type = 'checkbox'; c.name = 'events'; c.value = k; c.checked = true;
      l.appendChild(c); l.appendChild(document.createTextNode(typeName(k)));
      box.appendChild(l);
    });
  }

  function drawList(eps) {
    list.textContent = '';
    if (!eps.length) { list.appendChild(el('p', 'muted', t('wh_none'))); return; }
    eps.forEach(function (ep) {
      var card = el('section', 'card wh-endpoint');
      var head = el('header');
      head.appendChild(el('span', 'wh-url', ep.url));
      head.appendChild(el('span', 'wh-state' + (ep.enabled ? '' : ' off'), t(ep.enabled ? 'wh_on' : 'wh_off')));
      var toggle = el('button', '', t(ep.enabled ? 'wh_disable' : 'wh_enable'));
      toggle.type = 'button';
      toggle.addEventListener('click', function () {
        api('POST', '/api/v1/webhooks/' + ep.id + (ep.enabled ? '/disable' : '/enable')).then(load, fail(errBox));
      });
      head.appendChild(toggle);
      card.appendChild(head);
      card.appendChild(el('p', 'muted', ep.events.map(typeName).join(', ') + ' · ' + fill(t('wh_pending'), ep.pending)));
      var details = el('details');
      details.appendChild(el('summary', '', t('wh_log')));
      var body = el('div', 'wh-scroll');
      details.appendChild(body);
      details.addEventListener('toggle', function () { if (details.open) drawLog(ep, body); });
      card.appendChild(details);
      list.appendChild(card);
      if (ep.pending > 0 || eps.length === 1) { details.open = true; }
    });
  }

  function drawLog(ep, box) {
    api('GET', '/api/v1/webhooks/' + ep.id + '/deliveries').then(function (r) {
      box.textContent = '';
      if (!r.deliveries.length) { box.appendChild(el('p', 'muted', t('wh_empty_log'))); return; }
      var table = el('table', 'wh-log'), head = el('tr'), thead = el('thead'), tbody = el('tbody');
      ['wh_event', 'wh_status', 'wh_attempts', 'wh_code', 'wh_next', ''].forEach(function (k) { head.appendChild(el('th', '', k ? t(k) : '')); });
      thead.appendChild(head); table.appendChild(thead);
      r.deliveries.forEach(function (d) {
        var tr = el('tr'), failing = d.status === 'pending' && d.attempts > 0;
        function cell(label, text, cls) { var td = el('td', cls || '', text); if (label) td.setAttribute('data-label', t(label)); tr.appendChild(td); return td; }
        cell('', typeName(d.event_type) + ' · ' + ui.dateTime(d.created_at));
        var st = d.status === 'sent' ? t('wh_sent') : failing ? t('wh_failing') : t('wh_waiting');
        cell('wh_status', st, d.status === 'sent' ? 'sent' : failing ? 'failing' : '');
        cell('wh_attempts', String(d.attempts));
        cell('wh_code', d.attempts ? (d.last_code ? String(d.last_code) : t('wh_no_answer')) : '—').title = d.last_error || '';
        cell('wh_next', !d.next_at ? '—' : d.attempts ? ui.dateTime(d.next_at) : t('wh_after_previous'));
        var b = el('button', '', t('wh_resend'));
        b.type = 'button';
        b.addEventListener('click', function () {
          api('POST', '/api/v1/webhooks/deliveries/' + d.id + '/resend').then(function () {
            b.textContent = t('wh_requeued'); b.disabled = true;
            setTimeout(function () { drawLog(ep, box); }, 1500);
          }, fail(errBox));
        });
        cell('', '').appendChild(b);
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      box.appendChild(table);
    }, fail(errBox));
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var ferr = document.getElementById('wh-form-error');
    var events = [].slice.call(form.querySelectorAll('input[name=events]:checked')).map(function (c) { return c.value; });
    ui.ready().then(function () {
      return api('POST', '/api/v1/webhooks', { url: form.elements.url.value, events: events });
    }).then(function (r) {
      ferr.hidden = true;
      form.elements.url.value = '';
      document.getElementById('wh-secret-value').textContent = r.endpoint.secret;
      document.getElementById('wh-secret').hidden = false;
      load();
    }, fail(ferr));
  });

  ui.ready().then(load);
})();
