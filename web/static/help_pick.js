// Ctrl+K in the console's reply box: find a help centre article as you
// type and insert its title and absolute link where the cursor was. The
// text is inserted as text; the list is built with textContent only.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  var text = document.getElementById('reply-text');
  if (!text) return;
  var box = el('div', 'help-pick'), input = el('input'), list = el('ul', 'help-pick-list');
  box.id = 'help-pick'; box.hidden = true;
  box.setAttribute('role', 'dialog'); box.setAttribute('aria-label', t('help_pick_title'));
  input.type = 'search'; input.placeholder = t('help_pick_placeholder'); input.setAttribute('aria-label', t('help_pick_placeholder'));
  list.setAttribute('role', 'listbox');
  box.appendChild(el('div', 'help-pick-title', t('help_pick_title')));
  box.appendChild(input); box.appendChild(list);
  text.parentNode.insertBefore(box, text);
  var at = [0, 0], hits = [], chosen = 0, timer = 0, asked = 0;

  function open() {
    at = [text.selectionStart, text.selectionEnd];
    box.hidden = false;
    input.value = text.value.slice(at[0], at[1]);
    list.textContent = ''; hits = [];
    input.focus();
    if (input.value) find();
  }
  function close() { box.hidden = true; text.focus(); }
  function find() {
    var q = input.value.trim(), n = ++asked;
    if (!q) { list.textContent = ''; hits = []; return; }
    api('GET', '/api/v1/help/search?q=' + encodeURIComponent(q)).then(function (r) {
      if (n !== asked) return; // an older answer
      hits = r.articles; chosen = 0; draw();
    }).catch(ui.fail());
  }
  function draw() {
    list.textContent = '';
    if (!hits.length) { list.appendChild(el('li', 'muted', t('help_pick_none'))); return; }
    hits.forEach(function (h, i) {
      var li = el('li', i === chosen ? 'on' : '');
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === chosen));
      li.appendChild(el('b', '', h.title));
      li.appendChild(el('span', 'muted', ' · ' + h.category));
      li.addEventListener('mousedown', function (e) { e.preventDefault(); insert(h); });
      list.appendChild(li);
    });
  }
  function insert(h) {
    var v = text.value, piece = h.title + ' — ' + h.url;
    text.value = v.slice(0, at[0]) + piece + v.slice(at[1]);
    var end = at[0] + piece.length;
    box.hidden = true;
    text.focus();
    text.setSelectionRange(end, end);
    text.dispatchEvent(new Event('input', { bubbles: true }));
  }
  text.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.code === 'KeyK' || e.key === 'k' || e.key === 'K' || e.key === 'л' || e.key === 'Л')) {
      e.preventDefault();
      open();
    }
  });
  input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(find, 200); });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') { e.preventDefault(); close(); }
    else if (e.key === 'ArrowDown' && hits.length) { e.preventDefault(); chosen = (chosen + 1) % hits.length; draw(); }
    else if (e.key === 'ArrowUp' && hits.length) { e.preventDefault(); chosen = (chosen + hits.length - 1) % hits.length; draw(); }
    else if (e.key === 'Enter') { e.preventDefault(); if (hits[chosen]) insert(hits[chosen]); }
  });
  input.addEventListener('blur', function () { setTimeout(function () { if (document.activeElement !== input) box.hidden = true; }, 150); });
})();
