// The new-chat dialog of the chat page (/chat): a direct chat with one
// colleague or a group with a title, people found by name among those
// the caller may write to. The chat page (chat.js) hears 'chat:created'
// and opens the chat.
(function () {
  'use strict';
  var ui = window.profhub, el = ui.el;
  var $ = function (id) { return document.getElementById(id); };
  var dlg = $('chat-dialog');
  if (!dlg) return;
  var nf = $('chat-new-form'), picked = {};
  $('chat-new').addEventListener('click', function () {
    nf.reset(); picked = {}; $('chat-title-field').hidden = true; $('chat-new-error').hidden = true;
    findPeople('');
    dlg.showModal();
  });
  $('chat-new-cancel').addEventListener('click', function () { dlg.close(); });
  nf.addEventListener('change', function (e) {
    if (e.target.name === 'kind') $('chat-title-field').hidden = e.target.value !== 'group';
  });
  var peopleTimer;
  $('chat-people-q').addEventListener('input', function (e) {
    clearTimeout(peopleTimer);
    peopleTimer = setTimeout(function () { findPeople(e.target.value); }, 200);
  });
  function findPeople(q) {
    ui.api('GET', '/api/v1/chat/people?q=' + encodeURIComponent(q)).then(function (r) {
      var ul = $('chat-pick');
      ul.textContent = '';
      r.people.forEach(function (p) {
        var li = el('li'), lab = el('label'), cb = el('input');
        cb.type = 'checkbox'; cb.value = p.id; cb.checked = !!picked[p.id];
        cb.addEventListener('change', function () { if (cb.checked) picked[p.id] = true; else delete picked[p.id]; });
        lab.appendChild(cb);
        lab.appendChild(document.createTextNode(' ' + p.name + ' '));
        lab.appendChild(el('span', 'muted', p.unit));
        li.appendChild(lab);
        ul.appendChild(li);
      });
    }, ui.fail($('chat-new-error')));
  }
  nf.addEventListener('submit', function (e) {
    e.preventDefault();
    var kind = nf.kind.value;
    ui.api('POST', '/api/v1/chat/chats', { kind: kind, title: kind === 'group' ? nf.title.value : '', members: Object.keys(picked) })
      .then(function (r) { dlg.close(); document.dispatchEvent(new CustomEvent('chat:created', { detail: r.chat.id })); }, ui.fail($('chat-new-error')));
  });

})();
