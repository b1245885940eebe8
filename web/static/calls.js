// The call log: GET /api/v1/telephony/calls with the form's filters, the
// period's figures from /api/v1/telephony/stats, recordings playable in
// place (the audio element seeks with range requests), one click to call
// a number back, and the same selection as XLSX.
(function () {
  'use strict';
  var root = document.getElementById('calls-page');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el;
  var form = document.getElementById('calls-form');
  var iso = ui.isoDay; // days in the user's zone, as the server reads them
  form.elements.from.value = iso(new Date(Date.now() - 6 * 864e5));
  form.elements.to.value = iso(new Date());
  function query() {
    var q = [];
    ['from', 'to', 'direction', 'result', 'number'].forEach(function (k) {
      var v = form.elements[k].value;
      if (v) q.push(k + '=' + encodeURIComponent(v));
    });
    return q.join('&');
  }
  function totals(st) {
    var box = document.getElementById('call-totals');
    box.textContent = '';
    [[t('calls_total'), st.total.calls], [t('res_answered'), st.total.answered], [t('res_missed'), st.total.missed],
      [t('wait_time'), ui.duration(st.total.avg_wait_s, true)], [t('talk'), ui.duration(st.total.avg_talk_s, true)],
      [t('called_back'), st.called_back + ' / ' + st.missed], [t('callback_delay'), ui.duration(st.callback_avg_s, true)]
    ].forEach(function (p) {
      var d = el('div', 'stat');
      d.appendChild(el('b', '', p[1]));
      d.appendChild(el('span', '', p[0]));
      box.appendChild(d);
    });
  }
  var arrows = { 'in': '↘', out: '↗', internal: '↔' };
  function row(c) {
    var tr = el('tr');
    var start = el('td', '', (arrows[c.direction] || '') + ' ' + ui.dateTime(c.started_at));
    start.title = t('dir_' + c.direction);
    tr.appendChild(start);
    var num = el('td');
    if (c.number && c.number.charAt(0) === '+') {
      var b = el('button', 'link', c.number);
      b.title = t('call_back');
      b.addEventListener('click', function () { window.profhubCallBack({ call_id: c.id }); });
      num.appendChild(b);
    } else {
      num.textContent = c.number || '—';
    }
    tr.appendChild(num);
    tr.appendChild(el('td', '', c.member_name || ''));
    tr.appendChild(el('td', '', [c.operator_name, c.extension && (t('extension') + ' ' + c.extension)].filter(Boolean).join(' · ')));
    tr.appendChild(el('td', 'res-' + (c.result || 'none'), t('res_' + (c.result || ''))));
    tr.appendChild(el('td', '', ui.duration(c.wait_s, true)));
    tr.appendChild(el('td', '', ui.duration(c.talk_s, true)));
    var rec = el('td');
    if (c.recording === 'ready') {
      var src = '/api/v1/telephony/calls/' + encodeURIComponent(c.id) + '/recording';
      var play = el('button', 'link play', '▶ ' + t('listen'));
      play.addEventListener('click', function () {
        // The player opens in a row of its own, wide enough to seek.
        var next = tr.nextSibling;
        if (next && next.classList.contains('player')) { next.remove(); return; }
        var pr = el('tr', 'player'), td = el('td');
        td.colSpan = 8;
        var a = document.createElement('audio');
        a.controls = true;
        a.src = src;
        td.appendChild(a);
        pr.appendChild(td);
        tr.parentNode.insertBefore(pr, next);
        a.play().catch(function () {});
      });
      rec.appendChild(play);
      rec.appendChild(document.createTextNode(' '));
      var dl = el('a', '', t('download'));
      dl.href = src + '?download=1';
      rec.appendChild(dl);
    } else if (c.recording) {
      rec.textContent = t('rec_' + c.recording);
      if (c.recording_error) rec.title = c.recording_error;
    }
    tr.appendChild(rec);
    return tr;
  }
  function load() {
    var q = query();
    document.getElementById('export-xlsx').href = '/api/v1/telephony/calls/export.xlsx?' + q;
    ui.api('GET', '/api/v1/telephony/calls?limit=500&' + q).then(function (r) {
      var tb = document.getElementById('calls');
      tb.textContent = '';
      var head = el('tr');
      [t('started'), t('number'), t('member'), t('operator'), t('result'), t('wait_time'), t('talk'), t('recording')]
        .forEach(function (h) { head.appendChild(el('th', '', h)); });
      tb.appendChild(head);
      if (!r.calls.length) {
        var tr = el('tr'), td = el('td', 'muted', t('no_calls'));
        td.colSpan = 8;
        tr.appendChild(td);
        tb.appendChild(tr);
      }
      r.calls.forEach(function (c) { tb.appendChild(row(c)); });
    });
    var sq = 'from=' + form.elements.from.value + '&to=' + form.elements.to.value;
    ui.api('GET', '/api/v1/telephony/stats?' + sq).then(totals).catch(function () {});
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); load(); });
  ui.me().then(load);
})();
