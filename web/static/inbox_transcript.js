// «Отправить переписку» in the console's conversation head: a widget
// conversation's transcript e-mailed to the visitor's own address (the
// widget's API; the server refuses any other address and keeps the
// limits). Shown for widget conversations of channels that send e-mail.
(function () {
  'use strict';
  var ui = window.profhub, btn = document.getElementById('act-transcript');
  if (!ui || !ui.console || !btn) return;
  var t = ui.t, api = ui.api, current = null;
  function path(id) { return '/api/v1/widget/conversations/' + encodeURIComponent(id) + '/transcript'; }
  document.addEventListener('profhub:conversation', function (e) {
    var c = e.detail;
    current = c.id;
    btn.hidden = true;
    if (c.channel_kind !== 'widget') return;
    api('GET', path(c.id)).then(function (r) {
      if (current !== c.id || !r.offered) return;
      btn.hidden = false;
      btn.dataset.to = r.to || '';
    }).catch(function () {});
  });
  btn.addEventListener('click', function () {
    var to = btn.dataset.to;
    if (!to) { ui.toast(t('transcript_no_address')); return; }
    if (!confirm(t('transcript_confirm').replace('%s', to))) return;
    btn.disabled = true;
    api('POST', path(current)).then(function (r) {
      ui.toast(t('transcript_sent').replace('%s', r.to));
    }).catch(ui.fail()).finally(function () { btn.disabled = false; });
  });
})();
