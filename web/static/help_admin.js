// The help centre's editing (/help/admin): categories created, renamed and
// deleted (when empty), articles written in a formatted field, saved as a
// draft or published, deleted. The server sanitises the HTML and says
// what it removed as hostile; the page shows that to the editor.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('help-admin')) return;
  function $(id) { return document.getElementById(id); }
  var errBox = $('help-error'), formErr = $('help-form-error');
  var cats = [], articles = [], current = null;

  function fail(box) { return function (err) { ui.showError(box, err); box.hidden = false; }; }

  function load() {
    return Promise.all([api('GET', '/api/v1/help/categories'), api('GET', '/api/v1/help/articles')]).then(function (r) {
      errBox.hidden = true;
      cats = r[0].categories; articles = r[1].articles;
      drawTree(); drawCategorySelect();
    }, fail(errBox));
  }

  function drawTree() {
    var box = $('help-cats');
    box.textContent = '';
    if (!cats.length) box.appendChild(el('p', 'muted', t('help_no_categories')));
    cats.forEach(function (c) {
      var h = el('h3'), name = el('span', 'help-cat-name', c.name);
      h.appendChild(name);
      var ren = el('button', 'mini', t('help_rename')); ren.type = 'button';
      ren.addEventListener('click', function () { rename(c, h); });
      h.appendChild(ren);
      if (!c.articles) {
        var del = el('button', 'mini danger', t('help_delete')); del.type = 'button';
        del.setAttribute('aria-label', t('help_delete') + ' «' + c.name + '»');
        del.addEventListener('click', function () {
          if (!confirm(t('help_delete_category_q'))) return;
          api('DELETE', '/api/v1/help/categories/' + c.id).then(load, fail(errBox));
        });
        h.appendChild(del);
      }
      box.appendChild(h);
      var ul = el('ul');
      articles.filter(function (a) { return a.category_id === c.id; }).forEach(function (a) {
        var li = el('li'), link = el('a', current && current.id === a.id ? 'on' : '', a.title);
        link.href = '#' + a.id;
        link.addEventListener('click', function (e) { e.preventDefault(); edit(a); });
        if (a.status === 'draft') link.appendChild(el('span', 'draft', t('help_draft')));
        li.appendChild(link); ul.appendChild(li);
      });
      box.appendChild(ul);
    });
  }

  function rename(c, h) {
    var input = el('input'); input.value = c.name; input.maxLength = 100;
    input.setAttribute('aria-label', t('help_rename'));
    var save = el('button', 'mini', t('help_save')); save.type = 'button';
    h.textContent = ''; h.appendChild(input); h.appendChild(save);
    input.focus();
    function go() { api('PUT', '/api/v1/help/categories/' + c.id, { name: input.value }).then(load, fail(errBox)); }
    save.addEventListener('click', go);
    input.addEventListener('keydown', function (e) { if (e.key === 'Enter') { e.preventDefault(); go(); } });
  }

  function drawCategorySelect() {
    var sel = $('help-category'), keep = sel.value;
    sel.length = 0;
    cats.forEach(function (c) { sel.add(new Option(c.name, c.id)); });
    if (keep) sel.value = keep;
  }

  function edit(a) {
    current = a;
    $('help-editor-title').textContent = a ? a.title : t('help_new_article');
    $('help-category').value = a ? a.category_id : (cats[0] ? cats[0].id : '');
    $('help-title').value = a ? a.title : '';
    $('help-body').innerHTML = a ? a.body : ''; // the server's sanitised HTML
    $('help-status').value = a ? a.status : 'draft';
    $('help-delete').hidden = !a;
    $('help-view').hidden = !a || a.status !== 'published';
    if (a) $('help-view').href = '/help/a/' + a.id;
    $('help-removed').hidden = true; formErr.hidden = true; $('help-saved').textContent = '';
    drawTree();
  }

  $('help-cat-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target;
    api('POST', '/api/v1/help/categories', { name: f.name.value }).then(function () { f.reset(); return load(); }, fail(errBox));
  });
  $('help-new').addEventListener('click', function () { edit(null); $('help-title').focus(); });
  document.querySelectorAll('.help-toolbar button').forEach(function (b) {
    b.addEventListener('click', function () {
      $('help-body').focus();
      var cmd = b.dataset.cmd;
      if (cmd === 'h2') document.execCommand('formatBlock', false, 'h2');
      else document.execCommand(cmd, false, null);
    });
  });
  $('help-editor').addEventListener('submit', function (e) {
    e.preventDefault();
    var body = { category_id: $('help-category').value, title: $('help-title').value,
      body: $('help-body').innerHTML, status: $('help-status').value };
    formErr.hidden = true;
    $('help-save').disabled = true;
    var req = current ? api('PUT', '/api/v1/help/articles/' + current.id, body) : api('POST', '/api/v1/help/articles', body);
    req.then(function (r) {
      return load().then(function () {
        edit(r.article);
        $('help-saved').textContent = t('help_saved');
        if (r.removed && r.removed.length) {
          $('help-removed').textContent = t('help_removed') + ': ' + r.removed.join(', ');
          $('help-removed').hidden = false;
        }
      });
    }, fail(formErr)).finally(function () { $('help-save').disabled = false; });
  });
  $('help-delete').addEventListener('click', function () {
    if (!current || !confirm(t('help_delete_article_q'))) return;
    api('DELETE', '/api/v1/help/articles/' + current.id).then(function () { edit(null); return load(); }, fail(formErr));
  });
  ui.ready().then(load).then(function () {
    var id = location.hash.slice(1);
    var a = articles.filter(function (x) { return x.id === id; })[0];
    edit(a || null);
  });
})();
