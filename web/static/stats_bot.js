// The union bot's menu actions per channel (GET /api/v1/memberbot/stats)
// under the inbox statistics, for the same days: how many questions the
// bot answered without an operator. Hidden for those the server refuses.
(function () {
  'use strict';
  var box = document.getElementById('bot-stats');
  var form = document.getElementById('stats-form');
  if (!box || !form) return;
  var ui = window.profhub, t = ui.t, el = ui.el;
  var ACTIONS = ['menu', 'ask', 'appeals', 'card', 'org', 'subscriptions', 'operator', 'linked', 'unlinked'];
  var KINDS = ['telegram', 'vk'];
  function nextDay(s) {
    var d = new Date(s + 'T12:00:00Z');
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }
  function load() {
    var from = form.elements.from.value, to = form.elements.to.value;
    if (!from || !to) return;
    ui.api('GET', '/api/v1/memberbot/stats?from=' + from + '&to=' + nextDay(to)).then(function (r) {
      var n = {};
      r.actions.forEach(function (a) { n[a.action + ' ' + a.kind] = a.count; });
      var tb = document.getElementById('by-bot-action');
      tb.textContent = '';
      var head = el('tr');
      head.appendChild(el('th', '', t('stats_bot_action')));
      KINDS.forEach(function (k) { head.appendChild(el('th', '', t('bot_kind_' + k))); });
      head.appendChild(el('th', '', t('stats_bot_total')));
      tb.appendChild(head);
      ACTIONS.forEach(function (a) {
        var tr = el('tr'), sum = 0;
        tr.appendChild(el('td', '', t('stats_bot_' + a)));
        KINDS.forEach(function (k) { var v = n[a + ' ' + k] || 0; sum += v; tr.appendChild(el('td', '', String(v))); });
        tr.appendChild(el('td', '', String(sum)));
        tb.appendChild(tr);
      });
      box.hidden = false;
    }).catch(function () { box.hidden = true; });
  }
  form.addEventListener('submit', function () { setTimeout(load, 0); });
  setTimeout(load, 0); // after stats.js filled the dates
})();
