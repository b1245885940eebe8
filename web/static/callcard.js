// The caller card: when a call rings at the operator's extension, the
// telephony connector pushes "call_ringing" over the console's WebSocket
// and this shows who calls (member, organisation, conversations, recent
// calls) before the phone is picked up. It also holds the one-click call
// back used by the console, the card and the call log. Text only, never HTML.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el;
  var hideTimer = null;


  // callBack asks the PBX to ring the operator's extension, then the number.
  window.profhubCallBack = function (req) {
    return ui.ready().then(function () { return ui.api('POST', '/api/v1/telephony/callback', req); })
      .then(function () { ui.toast(t('callback_started')); })
      .catch(function (e) { ui.toast(t('callback_failed') + ': ' + e.message); });
  };


  window.profhubCallerCard = function (card) {
    var box = document.getElementById('caller-card');
    if (!box || !card) return;
    box.textContent = '';
    var head = el('header');
    head.appendChild(el('span', 'caller-label', t('caller')));
    var close = el('button', 'link', '×');
    close.setAttribute('aria-label', t('close'));
    close.addEventListener('click', function () { box.hidden = true; });
    head.appendChild(close);
    box.appendChild(head);
    var m = card.member;
    box.appendChild(el('h2', 'caller-name', m ? m.full_name : card.number));
    var num = el('p', 'caller-number');
    var call = el('button', 'link', card.number);
    call.title = t('call_back');
    call.addEventListener('click', function () { window.profhubCallBack({ number: card.number }); });
    num.appendChild(call);
    if (card.extension) num.appendChild(el('span', 'muted', ' → ' + t('extension') + ' ' + card.extension));
    box.appendChild(num);
    if (m) {
      box.appendChild(el('p', 'caller-org', m.organisation));
      if (m.workplace || m.position) box.appendChild(el('p', 'muted', [m.position, m.workplace].filter(Boolean).join(', ')));
    } else {
      box.appendChild(el('p', 'muted', t('unknown_caller')));
    }
    if (card.conversations && card.conversations.length) {
      box.appendChild(el('h3', '', t('open_conversations')));
      var ul = el('ul', 'caller-list');
      card.conversations.forEach(function (c) {
        var li = el('li');
        var a = el('a', '', (c.subject || t('conversation')) + ' · ' + t('status_' + c.status));
        a.href = '/inbox';
        a.addEventListener('click', function (e) {
          if (window.profhubOpenConversation) { e.preventDefault(); window.profhubOpenConversation(c.id); }
        });
        li.appendChild(a);
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    if (card.recent_calls && card.recent_calls.length) {
      box.appendChild(el('h3', '', t('recent_calls')));
      var ol = el('ul', 'caller-list');
      card.recent_calls.forEach(function (r) {
        if (r.id === card.call_id) return;
        var txt = ui.dateTime(r.started_at) + ' · ' + t('dir_' + r.direction) + ' · ' + t('res_' + (r.result || ''));
        if (r.talk_s) txt += ' · ' + ui.duration(r.talk_s);
        if (r.operator_name) txt += ' · ' + r.operator_name;
        ol.appendChild(el('li', '', txt));
      });
      box.appendChild(ol);
    }
    box.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { box.hidden = true; }, 120000);
  };
})();
