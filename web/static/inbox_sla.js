// Service levels in the console and the supervisor's view: a conversation's
// next target as «Ответить до 14:30 · осталось 25 мин», amber when a quarter
// of the line's target or less is left, red once it is missed. The due
// times come from the server (counted in the line's working time); the
// page only counts down to them, and redraws every 15 seconds.
(function () {
  'use strict';
  var ui = window.profhub;
  if (!ui) return;
  var t = ui.t, el = ui.el;

  function span(ms) {
    var m = Math.max(1, Math.ceil(ms / 60000));
    if (m < 60) return m + ' ' + t('min');
    var h = Math.floor(m / 60);
    return h + ' ' + t('sla_h') + (m % 60 ? ' ' + (m % 60) + ' ' + t('min') : '');
  }
  // next is the target the conversation is now measured by: the first
  // reply until there is one, then the close; null when none is running.
  function next(c) {
    if (!c || c.status === 'closed') return null;
    if (c.first_response_due_at && !c.sla_answered_at) {
      return { kind: 'first', due: c.first_response_due_at, missed: c.first_response_breached_at, target: 'first_response_target_min' };
    }
    if (c.resolution_due_at) return { kind: 'resolve', due: c.resolution_due_at, missed: c.resolution_breached_at, target: 'resolution_target_min' };
    return null;
  }
  // state: 'ok', 'warn' (the last quarter of the line's target) or 'late'.
  function state(c, n, line) {
    var left = new Date(n.due) - Date.now();
    if (n.missed || left <= 0) return 'late';
    var target = line && line[n.target];
    var total = target ? target * 60000 : new Date(n.due) - new Date(c.sla_started_at || c.created_at);
    return left <= total / 4 ? 'warn' : 'ok';
  }
  function text(n, s) {
    if (s === 'late') {
      return t(n.kind === 'first' ? 'sla_answer_late' : 'sla_resolve_late') + ' ' + t('sla_by') + ' ' + span(Date.now() - new Date(n.due));
    }
    return t(n.kind === 'first' ? 'sla_answer_by' : 'sla_resolve_by') + ' ' + ui.recent(n.due) + ' · ' + t('sla_left') + ' ' +
      span(new Date(n.due) - Date.now());
  }
  // badge fills (or makes) the element that shows c's service level;
  // it is hidden when no target runs.
  function badge(c, line, node) {
    node = node || el('span', 'sla');
    var n = next(c);
    node.hidden = !n;
    if (!n) return node;
    var s = state(c, n, line);
    node.className = 'sla sla-' + s;
    node.dataset.sla = s;
    node.textContent = text(n, s);
    node._conv = c; node._line = line;
    return node;
  }
  ui.slaBadge = badge;
  // Every shown badge counts down without a reload.
  setInterval(function () {
    document.querySelectorAll('.sla').forEach(function (b) { if (b._conv) badge(b._conv, b._line, b); });
  }, 15000);

  var con = ui.console;
  if (!con) return;
  var lineOf = function (c) { return con.state.lines[c.line_id]; };
  var item = con.hooks.item, head = con.hooks.head;
  con.hooks.item = function (li, c) {
    if (item) item(li, c);
    var b = badge(c, lineOf(c));
    if (!b.hidden) li.appendChild(b);
  };
  con.hooks.head = function (c) {
    if (head) head(c);
    var meta = document.getElementById('chat-meta'), b = document.getElementById('chat-sla');
    if (!b) {
      b = el('span', 'sla');
      b.id = 'chat-sla';
      meta.parentNode.insertBefore(b, meta.nextSibling);
    }
    badge(c, lineOf(c), b);
  };
})();
