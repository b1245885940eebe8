// A letter's HTML in the operators' console (GET /api/v1/mail/letters/{key}).
// The sanitised HTML goes into an iframe that may not run scripts; remote
// images come as placeholders until the operator presses "show", which
// re-renders this one letter with its images fetched by the hub's proxy
// (the server audits that choice). The page's CSP (img-src 'self') stops
// any remote request even if something slipped through.
(function () {
  'use strict';
  var ui = window.profhub;
  if (!ui) return;
  var t = ui.t, el = ui.el, api = ui.api;

  function frame(html) {
    var f = el('iframe', 'mail-html');
    f.setAttribute('sandbox', 'allow-same-origin allow-popups allow-popups-to-escape-sandbox');
    f.setAttribute('referrerpolicy', 'no-referrer');
    f.title = t('mail_letter');
    f.srcdoc = '<!doctype html><meta charset="utf-8"><base target="_blank">' +
      '<link rel="stylesheet" href="' + ui.asset('colors.css') + '"><link rel="stylesheet" href="' + ui.asset('mailletter.css') + '"><body>' + html + '</body>';
    // Same origin without scripts: the console measures the letter so it
    // reads without a second scrollbar.
    f.addEventListener('load', function () {
      try { f.style.height = Math.min(f.contentDocument.documentElement.scrollHeight + 4, 1200) + 'px'; } catch (e) { /* keep default */ }
    });
    return f;
  }

  window.profhubMailLetter = function (a) {
    var box = el('div', 'mail-letter');
    var url = '/api/v1/mail/letters/' + encodeURIComponent(a.blob_key);
    function render(v) {
      box.textContent = '';
      if (v.remote_images > 0 && !v.images_shown) {
        var bar = el('div', 'mail-images-bar', t('mail_images_blocked').replace('{n}', v.remote_images) + ' — ');
        var show = el('button', 'link mail-images-show', t('mail_images_show'));
        show.addEventListener('click', function () {
          show.disabled = true;
          api('GET', url + '?images=show').then(render).catch(function (e) { show.disabled = false; bar.append(' ' + (e.message || e)); });
        });
        bar.appendChild(show);
        box.appendChild(bar);
      } else if (v.images_shown) {
        box.appendChild(el('div', 'mail-images-bar', t('mail_images_shown')));
      }
      box.appendChild(frame(v.html));
    }
    api('GET', url).then(render).catch(function (e) { box.textContent = e.message || String(e); });
    return box;
  };
})();
