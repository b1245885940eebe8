// The profile's Telegram link: the account linked (and unlinking it), or
// a one-time code with the bot's deep link. The code is shown once, here;
// the server keeps only its hash.
(function () {
  'use strict';
  var root = document.getElementById('notify-telegram');
  var prefs = document.getElementById('notify-prefs');
  if (!root || !window.profhub) return;
  var ui = window.profhub, el = ui.el;
  var S = JSON.parse((prefs && prefs.getAttribute('data-strings')) || '{}');
  function t(k, v) { var s = S[k] || k; return v === undefined ? s : s.replace('%s', v); }
  var state = root.querySelector('.tg-state'), box = root.querySelector('.tg-code-box');
  var codeBtn = root.querySelector('.tg-code'), unlinkBtn = root.querySelector('.tg-unlink');
  var csrf = document.querySelector('input[name=csrf_token]');
  if (csrf && !ui.csrf) ui.csrf = csrf.value;

  function show(acc) {
    state.textContent = '';
    if (acc.linked) {
      var line = t('notify.tg_linked', acc.name || '—');
      if (acc.bot) line += ' (' + t('notify.tg_linked_bot', acc.bot) + ')';
      state.appendChild(el('p', '', line));
      if (acc.linked_at) state.appendChild(el('p', 'muted', t('notify.tg_linked_since', ui.dateTime(acc.linked_at))));
    } else {
      state.appendChild(el('p', 'muted', t('notify.tg_not_linked')));
    }
    if (!acc.bots || !acc.bots.length) state.appendChild(el('p', 'muted', t('notify.tg_no_bot')));
    unlinkBtn.hidden = !acc.linked;
    codeBtn.hidden = !acc.bots || !acc.bots.length;
  }

  function showCode(c) {
    box.textContent = '';
    box.appendChild(el('p', 'tg-code-value', c.code));
    box.appendChild(el('p', 'muted', t('notify.tg_code_note')));
    (c.links || []).forEach(function (l) {
      var a = el('a', 'button', t('notify.tg_open_bot', l.bot));
      a.href = l.url; a.target = '_blank'; a.rel = 'noopener';
      var p = el('p'); p.appendChild(a); box.appendChild(p);
    });
    box.appendChild(el('p', 'muted', t('notify.tg_code_until') + ' ' + ui.dateTime(c.expires_at)));
    box.hidden = false;
  }

  codeBtn.addEventListener('click', function () {
    ui.api('POST', '/api/v1/notifications/telegram/code').then(showCode).catch(ui.fail(state));
  });
  unlinkBtn.addEventListener('click', function () {
    ui.api('DELETE', '/api/v1/notifications/telegram').then(function (acc) {
      box.hidden = true;
      show(acc);
      state.appendChild(el('p', 'muted', t('notify.tg_unlinked')));
    }).catch(ui.fail(state));
  });
  ui.api('GET', '/api/v1/notifications/telegram').then(show).catch(ui.fail(state));
})();
