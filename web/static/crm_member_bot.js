// The member's office on the member card: the chats linked to the card
// through the bot (by the member's code or by an operator), each with an
// unlink button for those who edit cards, and the electronic membership
// card as a PNG. The server checks the scope of every call.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;

  ui.memberBotBox = function (box, m, canEdit) {
    var base = '/api/v1/memberbot/members/' + encodeURIComponent(m.id);
    api('GET', base + '/links').then(function (r) {
      box.textContent = '';
      box.appendChild(el('h3', '', t('bot_title')));
      if (m.status === 'member' && !m.archived_at) {
        var a = el('a', 'button', t('bot_card'));
        a.id = 'm-bot-card';
        a.href = base + '/card.png?download=1';
        var pdf = el('a', 'button', 'PDF');
        pdf.id = 'm-bot-card-pdf';
        pdf.href = base + '/card.pdf';
        var p = el('p', 'row');
        p.appendChild(a);
        p.appendChild(pdf);
        box.appendChild(p);
      }
      if (!r.links.length) { box.appendChild(el('p', 'muted', t('bot_none'))); return; }
      var ul = el('ul', 'bot-links');
      ul.id = 'm-bot-links';
      r.links.forEach(function (l) {
        var li = el('li');
        li.appendChild(el('span', '', [t('bot_kind_' + l.kind), l.linked_by === 'code' ? t('bot_by_code') : t('bot_by_operator'),
          ui.date(l.linked_at)].join(' · ') + ' '));
        if (canEdit) {
          var b = el('button', '', t('bot_unlink'));
          b.type = 'button';
          b.addEventListener('click', function () {
            if (!window.confirm(t('bot_unlink_confirm'))) return;
            b.disabled = true;
            api('DELETE', '/api/v1/memberbot/links/' + encodeURIComponent(l.id)).then(function () {
              ui.toast(t('bot_unlinked'));
              ui.memberBotBox(box, m, canEdit);
            }).catch(function (e) { b.disabled = false; ui.toast(e.message); });
          });
          li.appendChild(b);
        }
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }).catch(function () { box.hidden = true; });
  };
})();
