// The block editor of the mailings page: heading, text (bold, italic,
// links), picture (upload or address), button, divider, two columns;
// blocks are added, edited, moved and deleted here and sent to the server
// as JSON, which renders the letter and sanitises every text again.
// Variables show as chips {{Имя}} in formatted text and as the same
// {{Имя}} in plain fields; they are inserted from a list, never typed in
// template syntax. Nothing here builds HTML from strings: formatted text
// the server stored is sanitised, and chips are made with the DOM.
(function () {
  'use strict';
  var ui = window.profhub;
  if (!ui) return;
  var t = ui.t, el = ui.el;
  var TYPES = ['heading', 'text', 'image', 'button', 'divider', 'columns'];

  // varSelect is the list a variable is chosen from; onPick gets its label.
  function varSelect(vars, onPick) {
    var s = el('select', 'var-pick');
    s.setAttribute('aria-label', t('insert_var'));
    fillVars(s, vars);
    s.addEventListener('change', function () {
      if (s.value) onPick(s.value);
      s.value = '';
    });
    return s;
  }

  function fillVars(s, vars) {
    s.textContent = '';
    s.add(new Option(t('insert_var'), ''));
    vars.forEach(function (v) { s.add(new Option(v.label, v.label)); });
  }

  // insertText puts text at an input's cursor.
  function insertText(input, text) {
    var a = input.selectionStart == null ? input.value.length : input.selectionStart;
    var b = input.selectionEnd == null ? a : input.selectionEnd;
    input.value = input.value.slice(0, a) + text + input.value.slice(b);
    input.focus();
    input.setSelectionRange(a + text.length, a + text.length);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  function chip(label) {
    var c = el('span', 'var-chip', '{{' + label + '}}');
    c.contentEditable = 'false';
    c.dataset.var = label;
    return c;
  }

  // chipify turns {{label}} written in a formatted text into chips.
  function chipify(root, labels) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), nodes = [], n;
    while ((n = walker.nextNode())) nodes.push(n);
    nodes.forEach(function (node) {
      var re = /\{\{\s*([^{}]{1,80}?)\s*\}\}/g, s = node.nodeValue, m, last = 0, frag = document.createDocumentFragment(), any = false;
      while ((m = re.exec(s))) {
        if (labels.indexOf(m[1]) < 0) continue;
        any = true;
        frag.appendChild(document.createTextNode(s.slice(last, m.index)));
        frag.appendChild(chip(m[1]));
        last = re.lastIndex;
      }
      if (!any) return;
      frag.appendChild(document.createTextNode(s.slice(last)));
      node.parentNode.replaceChild(frag, node);
    });
  }

  // A formatted text: a small toolbar and an editable area.
  function richField(value, vars, label) {
    var box = el('div', 'rich'), bar = el('div', 'rich-bar'), area = el('div', 'rich-area');
    area.contentEditable = 'true';
    area.setAttribute('role', 'textbox');
    area.setAttribute('aria-multiline', 'true');
    area.setAttribute('aria-label', label);
    // The server stored this text sanitised (b, i, u, p, br, links only).
    area.innerHTML = value || '';
    chipify(area, vars.map(function (v) { return v.label; }));
    var saved = null;
    function remember() {
      var sel = window.getSelection();
      if (sel.rangeCount && area.contains(sel.anchorNode)) saved = sel.getRangeAt(0).cloneRange();
    }
    area.addEventListener('keyup', remember);
    area.addEventListener('mouseup', remember);
    area.addEventListener('input', remember);
    function restore() {
      area.focus();
      if (saved) { var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(saved); }
    }
    function button(cls, text, title, fn) {
      var b = el('button', 'button small ' + cls, text);
      b.type = 'button'; b.title = title; b.setAttribute('aria-label', title);
      b.addEventListener('mousedown', function (e) { e.preventDefault(); }); // keep the selection
      b.addEventListener('click', fn);
      bar.appendChild(b);
    }
    button('fmt-bold', 'Ж', t('bold'), function () { restore(); document.execCommand('bold'); });
    button('fmt-italic', 'К', t('italic'), function () { restore(); document.execCommand('italic'); });
    button('fmt-link', t('link'), t('link'), function () {
      var url = window.prompt(t('link_prompt'), 'https://');
      if (!url) return;
      if (!/^(https?:\/\/[^\s"'<>]+|mailto:[^\s"'<>]+)$/i.test(url.trim())) { window.alert(t('link_bad')); return; }
      restore();
      var sel = window.getSelection();
      if (sel.isCollapsed) {
        var a = el('a', '', url.trim()); a.href = url.trim();
        sel.getRangeAt(0).insertNode(a);
      } else {
        document.execCommand('createLink', false, url.trim());
      }
    });
    bar.appendChild(varSelect(vars, function (label) {
      restore();
      var sel = window.getSelection(), c = chip(label);
      if (!sel.rangeCount || !area.contains(sel.anchorNode)) { area.appendChild(c); return; }
      var r = sel.getRangeAt(0);
      r.deleteContents();
      r.insertNode(c);
      r.setStartAfter(c); r.collapse(true);
      sel.removeAllRanges(); sel.addRange(r);
      remember();
    }));
    box.appendChild(bar);
    box.appendChild(area);
    // value is the text as stored: chips back to {{label}}.
    box.value = function () {
      var copy = area.cloneNode(true);
      copy.querySelectorAll('.var-chip').forEach(function (c) { c.replaceWith(document.createTextNode('{{' + c.dataset.var + '}}')); });
      return copy.innerHTML;
    };
    return box;
  }

  function field(labelText, input) {
    var l = el('label', 'block-field', labelText);
    l.appendChild(input);
    return l;
  }

  function textInput(value, placeholder, max) {
    var i = el('input');
    i.value = value || ''; i.placeholder = placeholder || ''; i.maxLength = max || 2000;
    return i;
  }

  // mount makes the editor in container; add holds the "add block"
  // buttons. vars() gives the current variable list.
  window.profhubBlocks = function (container, add, opts) {
    var blocks = []; // {type, node, get}
    var vars = opts.vars || [];

    function editorFor(b) {
      var body = el('div', 'block-body'), get;
      switch (b.type) {
        case 'heading': {
          var h = textInput(b.text, t('heading_ph'), 500);
          h.className = 'heading-input';
          var row = el('div', 'row'); row.appendChild(h); row.appendChild(varSelect(vars, function (l) { insertText(h, '{{' + l + '}}'); }));
          body.appendChild(row);
          get = function () { return { type: 'heading', text: h.value }; };
          break;
        }
        case 'text': {
          var r = richField(b.text, vars, t('block_text'));
          body.appendChild(r);
          get = function () { return { type: 'text', text: r.value() }; };
          break;
        }
        case 'columns': {
          var l = richField(b.left, vars, t('column_left')), rr = richField(b.right, vars, t('column_right'));
          var cols = el('div', 'columns-pair'); cols.appendChild(l); cols.appendChild(rr);
          body.appendChild(cols);
          get = function () { return { type: 'columns', left: l.value(), right: rr.value() }; };
          break;
        }
        case 'image': {
          var file = el('input'); file.type = 'file'; file.accept = 'image/png,image/jpeg,image/gif,image/webp';
          var src = textInput(b.src, 'https://', 2000), alt = textInput(b.alt, '', 300), link = textInput(b.url, 'https://', 2000);
          var thumb = el('img', 'block-thumb'); thumb.alt = '';
          var note = el('span', 'muted');
          function show() { thumb.hidden = !src.value; if (src.value) thumb.src = src.value; }
          src.addEventListener('change', show);
          file.addEventListener('change', function () {
            if (!file.files.length) return;
            note.textContent = '…';
            ui.ready().then(function () { return ui.upload('/api/v1/mailing/images', file.files[0]); }).then(function (img) {
              src.value = img.src; note.textContent = t('image_uploaded'); show();
            }).catch(function (e) { note.textContent = e.message; note.setAttribute('role', 'alert'); });
          });
          // The native file button speaks the browser's language: a
          // labelled button of ours opens it instead.
          var pick = el('label', 'button small file-pick', t('image_upload'));
          pick.appendChild(file);
          var up = el('div', 'row'); up.appendChild(pick); up.appendChild(note);
          body.appendChild(up);
          body.appendChild(field(t('image_src'), src));
          body.appendChild(field(t('image_alt'), alt));
          body.appendChild(field(t('image_link'), link));
          body.appendChild(thumb);
          show();
          get = function () { return { type: 'image', src: src.value.trim(), alt: alt.value, url: link.value.trim() === 'https://' ? '' : link.value.trim() }; };
          break;
        }
        case 'button': {
          var bt = textInput(b.text, '', 200), bu = textInput(b.url, 'https://', 2000);
          bt.className = 'button-text'; bu.className = 'button-url';
          var brow = el('div', 'row'); brow.appendChild(bt); brow.appendChild(varSelect(vars, function (l) { insertText(bt, '{{' + l + '}}'); }));
          body.appendChild(field(t('button_text'), brow));
          body.appendChild(field(t('button_url'), bu));
          get = function () { return { type: 'button', text: bt.value, url: bu.value.trim() }; };
          break;
        }
        default:
          body.appendChild(el('hr', 'divider-line'));
          get = function () { return { type: 'divider' }; };
      }
      return { body: body, get: get };
    }

    function render() {
      container.textContent = '';
      if (!blocks.length) container.appendChild(el('p', 'muted blocks-empty', t('blocks_empty')));
      blocks.forEach(function (b, i) { container.appendChild(b.node); b.num.textContent = (i + 1) + '. ' + t('block_' + b.type); });
    }

    function tool(cls, text, title, fn) {
      var b = el('button', 'button small ' + cls, text);
      b.type = 'button'; b.title = title; b.setAttribute('aria-label', title);
      b.addEventListener('click', fn);
      return b;
    }

    function make(b) {
      var node = el('div', 'block block-' + b.type), head = el('div', 'block-head'), num = el('b', 'block-name');
      var ed = editorFor(b), item = { type: b.type, node: node, num: num, get: ed.get };
      head.appendChild(num);
      head.appendChild(tool('block-up', '↑', t('move_up'), function () { move(item, -1); }));
      head.appendChild(tool('block-down', '↓', t('move_down'), function () { move(item, 1); }));
      head.appendChild(tool('block-remove danger', '✕', t('remove'), function () {
        blocks.splice(blocks.indexOf(item), 1); render();
      }));
      node.appendChild(head);
      node.appendChild(ed.body);
      return item;
    }

    function move(item, d) {
      var i = blocks.indexOf(item), j = i + d;
      if (j < 0 || j >= blocks.length) return;
      blocks.splice(i, 1); blocks.splice(j, 0, item);
      render();
      item.node.querySelector(d < 0 ? '.block-up' : '.block-down').focus();
    }

    TYPES.forEach(function (type) {
      add.appendChild(tool('add-' + type, '+ ' + t('block_' + type), t('add') + ': ' + t('block_' + type), function () {
        var item = make({ type: type });
        blocks.push(item); render();
        var f = item.node.querySelector('input, .rich-area');
        if (f) f.focus();
      }));
    });

    var api = {
      get: function () { return blocks.map(function (b) { return b.get(); }); },
      set: function (list) { blocks = (list || []).map(make); render(); },
      setVars: function (v) { vars = v; },
      fillVars: fillVars,
      insertText: insertText
    };
    render();
    return api;
  };
})();
