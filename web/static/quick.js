// Quick answers: the caller's personal ones and their lines' ones; line
// answers can be changed by administrators and the line's supervisors
// (the API refuses others with a clear message).
(function () {
  'use strict';
  var root = document.getElementById('quick-page');
  if (!root) return;
  var ui = window.profhub, t = ui.t, el = ui.el;
  var api = ui.api;
  function load() {
    api('GET', '/api/v1/inbox/quick-answers').then(function (r) {
      var tb = document.getElementById('qa');
      tb.textContent = '';
      var head = el('tr');
      [t('shortcut'), t('line'), t('reply'), ''].forEach(function (h) { head.appendChild(el('th', '', h)); });
      tb.appendChild(head);
      r.quick_answers.forEach(function (q) {
        var tr = el('tr');
        tr.appendChild(el('td', '', '/' + q.shortcut));
        tr.appendChild(el('td', 'muted', q.line_name || t('personal')));
        tr.appendChild(el('td', 'text', q.text));
        var td = el('td'), b = el('button', 'danger', '×');
        b.title = t('delete');
        b.addEventListener('click', function () {
          api('DELETE', '/api/v1/inbox/quick-answers/' + q.id).then(load).catch(ui.fail(document.getElementById('qa-msg')));
        });
        td.appendChild(b); tr.appendChild(td);
        tb.appendChild(tr);
      });
    });
  }
  var form = document.getElementById('qa-form');
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = form.elements;
    api('POST', '/api/v1/inbox/quick-answers', { shortcut: f.shortcut.value.trim(), line_id: f.line_id.value, text: f.text.value })
      .then(function () { form.reset(); document.getElementById('qa-msg').textContent = t('saved'); load(); })
      .catch(ui.fail(document.getElementById('qa-msg')));
  });
  ui.me().then(function (r) {
    return api('GET', '/api/v1/inbox/lines');
  }).then(function (r) {
    r.lines.forEach(function (l) { form.elements.line_id.add(new Option(l.name, l.id)); });
    load();
  });
})();
