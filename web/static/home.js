// The home page: the signed-in person's work by role (/api/v1/home), each
// item a link to where it is acted on. It stays live: reloaded every half
// minute, when the tab comes back, and when the bell's count changes
// (bell.js sends "profhub:notify").
(function () {
  'use strict';
  var root = document.getElementById('home');
  if (!root || !window.profhub) return;
  var ui = window.profhub, el = ui.el, t = ui.t;

  function when(it) {
    if (it.due) return ui.day(it.due);
    return it.at ? ui.recent(it.at) : '';
  }

  function itemRow(it) {
    var li = el('li', it.state ? 'st-' + it.state : '');
    var body = it.link ? el('a') : el('div');
    if (it.link) body.href = it.link;
    var top = el('span', 'top');
    top.appendChild(el('span', 'title', it.title));
    if (it.state) top.appendChild(el('span', 'state', t('home.state.' + it.state)));
    body.appendChild(top);
    var sub = [it.detail, when(it)].filter(Boolean).join(' · ');
    if (it.figures && it.figures.total) sub = [sub, ui.number(it.figures.done) + ' / ' + ui.number(it.figures.total)].filter(Boolean).join(' · ');
    if (sub) body.appendChild(el('span', 'sub', sub));
    if (it.note) body.appendChild(el('span', 'note', it.note));
    li.appendChild(body);
    return li;
  }

  function figuresTable(sec) {
    var table = el('table', 'list figures');
    var head = el('tr');
    head.appendChild(el('th', '', t('home.figure.name')));
    sec.columns.forEach(function (c) { head.appendChild(el('th', 'num', t('home.figure.' + c))); });
    var thead = el('thead'); thead.appendChild(head); table.appendChild(thead);
    var tbody = el('tbody');
    sec.items.forEach(function (it) {
      var tr = el('tr', it.state ? 'st-' + it.state : '');
      var name = el('td');
      if (it.link) { var a = el('a', '', it.title); a.href = it.link; name.appendChild(a); } else name.textContent = it.title;
      tr.appendChild(name);
      sec.columns.forEach(function (c) { tr.appendChild(el('td', 'num', ui.number((it.figures || {})[c] || 0))); });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    return table;
  }

  function section(sec) {
    var card = el('section', 'card home-section');
    card.id = 'home-' + sec.id;
    var h = el('h2');
    if (sec.link) { var a = el('a', '', t('home.section.' + sec.id)); a.href = sec.link; h.appendChild(a); } else h.textContent = t('home.section.' + sec.id);
    if (sec.total && !(sec.columns && sec.columns.length)) h.appendChild(el('b', 'count', ui.number(sec.total)));
    card.appendChild(h);
    if (!sec.items.length) {
      card.appendChild(el('p', 'muted empty', t('home.empty.' + sec.id)));
      return card;
    }
    if (sec.columns && sec.columns.length) {
      card.classList.add('wide');
      var wrap = el('div', 'table-wrap'); wrap.appendChild(figuresTable(sec)); card.appendChild(wrap);
      return card;
    }
    var ul = el('ul', 'home-items');
    sec.items.forEach(function (it) { ul.appendChild(itemRow(it)); });
    card.appendChild(ul);
    if (sec.total > sec.items.length && sec.link) {
      var more = el('a', 'more', t('home.more').replace('%d', sec.total - sec.items.length));
      more.href = sec.link;
      card.appendChild(more);
    }
    return card;
  }

  var busy = false;
  function load() {
    if (busy) return;
    busy = true;
    ui.api('GET', '/api/v1/home').then(function (p) {
      root.textContent = '';
      root.setAttribute('data-role', p.role);
      p.sections.forEach(function (s) { root.appendChild(section(s)); });
      root.setAttribute('aria-busy', 'false');
    }).catch(ui.fail(root)).then(function () { busy = false; });
  }
  var timer;
  function soon() { clearTimeout(timer); timer = setTimeout(load, 400); }
  document.addEventListener('profhub:notify', soon);
  document.addEventListener('visibilitychange', function () { if (!document.hidden) soon(); });
  setInterval(function () { if (!document.hidden) load(); }, 30000);
  load();
})();
