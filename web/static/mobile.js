// The header's groups and the staff pages on a phone (mobile.css does
// the layout):
//   - a group of the main menu (a details element) opens by click, tap,
//     Enter or Space on its own; here one open group closes the others,
//     a click elsewhere or Escape closes it, and the arrow keys walk its
//     entries;
//   - the header's sections fold behind the menu button below 640 px,
//     where the groups open all at once, as headings over their entries;
//   - every list table's cells carry their column's heading (data-label),
//     so a table that turns into cards on a narrow screen still says what
//     each value is. Tables are built by the pages' scripts at any time,
//     so new rows are labelled as they arrive.
(function () {
  'use strict';
  var header = document.querySelector('header.top');
  var toggle = header && header.querySelector('.menu-toggle');
  if (toggle) {
    var setOpen = function (open) {
      header.classList.toggle('menu-open', open);
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      groups().forEach(function (g) { g.open = open; });
    };
    toggle.addEventListener('click', function () { setOpen(!header.classList.contains('menu-open')); });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && header.classList.contains('menu-open')) { setOpen(false); toggle.focus(); }
    });
    document.addEventListener('click', function (e) {
      if (header.classList.contains('menu-open') && !header.contains(e.target)) setOpen(false);
    });
  }

  function groups() { return Array.prototype.slice.call(document.querySelectorAll('nav.main details.nav-group')); }
  var folded = function () { return header && header.classList.contains('menu-open'); };
  groups().forEach(function (g) {
    g.addEventListener('toggle', function () {
      if (g.open && !folded()) groups().forEach(function (o) { if (o !== g) o.open = false; });
    });
    g.addEventListener('keydown', function (e) {
      var links = Array.prototype.slice.call(g.querySelectorAll('.nav-items a'));
      var at = links.indexOf(document.activeElement);
      if (e.key === 'Escape' && g.open && !folded()) {
        e.stopPropagation();
        g.open = false;
        g.querySelector('summary').focus();
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        g.open = true;
        var next = e.key === 'ArrowDown' ? at + 1 : (at < 0 ? links.length - 1 : at - 1);
        if (next >= 0 && next < links.length) links[next].focus();
        else if (next < 0) g.querySelector('summary').focus();
      }
    });
  });
  document.addEventListener('click', function (e) {
    if (folded()) return;
    groups().forEach(function (g) { if (g.open && !g.contains(e.target)) g.open = false; });
  });
  // Escape anywhere closes an open group (inside one, its own handler
  // also puts the focus back on its title).
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && !folded()) groups().forEach(function (g) { g.open = false; });
  });
  // Tabbing out of an open group closes it.
  document.addEventListener('focusin', function (e) {
    if (folded()) return;
    groups().forEach(function (g) { if (g.open && !g.contains(e.target)) g.open = false; });
  });

  // label gives each cell of a table.list the text of its column's th.
  function label(table) {
    var first = table.querySelector('tr');
    if (!first || !first.querySelector('th')) return;
    var heads = Array.prototype.map.call(first.children, function (c) { return c.textContent.trim(); });
    Array.prototype.forEach.call(table.querySelectorAll('tr'), function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (td.tagName === 'TD' && !td.hasAttribute('data-label')) td.setAttribute('data-label', heads[i] || '');
      });
    });
  }
  var pending = false;
  function labelAll() {
    pending = false;
    Array.prototype.forEach.call(document.querySelectorAll('main table.list'), label);
  }
  labelAll();
  new MutationObserver(function () {
    if (!pending) { pending = true; requestAnimationFrame(labelAll); }
  }).observe(document.querySelector('main') || document.body, { childList: true, subtree: true });
})();
