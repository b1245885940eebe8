// The staff pages on a phone (mobile.css does the layout):
//   - the header's sections fold behind the menu button below 640 px;
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
    };
    toggle.addEventListener('click', function () { setOpen(!header.classList.contains('menu-open')); });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && header.classList.contains('menu-open')) { setOpen(false); toggle.focus(); }
    });
    document.addEventListener('click', function (e) {
      if (header.classList.contains('menu-open') && !header.contains(e.target)) setOpen(false);
    });
  }

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
