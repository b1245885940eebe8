// «Поставить задачу» in the console's conversation head: the tasks page's
// form, prefilled with the link back to the conversation, as documents and
// appeals have it (task_block.js). The server checks the caller may see
// the conversation when the task is saved.
(function () {
  'use strict';
  var ui = window.profhub, link = document.getElementById('act-task');
  if (!ui || !ui.console || !link) return;
  document.addEventListener('profhub:conversation', function (e) {
    var c = e.detail;
    var q = new URLSearchParams({ source_kind: 'conversation', source_id: c.id, source_title: c.contact_name || '' });
    link.href = '/tasks#new?' + q.toString();
    link.hidden = false;
  });
})();
