// The member card's personal data part: the subject report (a printable
// page and an XLSX) for those who read the audit log, and the erasure
// (anonymisation) for those who may merge cards, with its ground and,
// when appeals are open, the explicit choice the server asks for.
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  function fill(s) { var a = [].slice.call(arguments, 1); return s.replace(/%s/g, function () { return a.shift(); }); }

  ui.privacyActions = function (card, m, changed) {
    var box = el('section', 'card-privacy');
    box.id = 'm-privacy';
    card.appendChild(box);
    api('GET', '/api/v1/privacy/members/' + encodeURIComponent(m.id)).then(function (st) {
      if (!st.can_report && !st.can_erase) { box.remove(); return; }
      box.appendChild(el('h3', '', t('pd_card_title')));
      var row = el('div', 'row card-actions');
      box.appendChild(row);
      var base = '/api/v1/privacy/members/' + encodeURIComponent(m.id) + '/report';
      if (st.can_report) {
        var rep = el('a', 'button', t('pd_report'));
        rep.id = 'm-pd-report'; rep.href = base + '?format=html'; rep.target = '_blank'; rep.rel = 'noopener';
        var xl = el('a', 'button', t('pd_report_xlsx'));
        xl.href = base + '?format=xlsx'; xl.setAttribute('download', '');
        row.appendChild(rep); row.appendChild(xl);
      }
      if (st.erasure) {
        var e = st.erasure;
        box.appendChild(el('p', 'muted', fill(t('pd_erased'), ui.dateTime(e.completed_at), t('pd_ground_' + e.ground), e.pseudonym)));
        return;
      }
      if (st.held) box.appendChild(el('p', 'muted', t('pd_held')));
      if (!st.can_erase) return;
      var go = el('button', '', t('pd_erase'));
      go.type = 'button'; go.id = 'm-pd-erase';
      row.appendChild(go);
      go.addEventListener('click', function () { go.disabled = true; box.appendChild(eraseForm(m, st, changed, function () { go.disabled = false; })); });
    }).catch(function () { box.remove(); });
  };

  function eraseForm(m, st, changed, cancelled) {
    var f = el('form', 'pd-erase');
    f.appendChild(el('h4', '', t('pd_erase_title')));
    f.appendChild(el('p', 'warn', t('pd_erase_warn')));
    var lg = el('label', '', t('pd_ground'));
    var sel = el('select');
    sel.name = 'ground';
    ['request', 'withdrawal'].forEach(function (g) { var o = el('option', '', t('pd_ground_' + g)); o.value = g; sel.appendChild(o); });
    lg.appendChild(sel); f.appendChild(lg);
    var ln = el('label', '', t('pd_note'));
    var note = el('input');
    note.name = 'note'; note.maxLength = 1000;
    ln.appendChild(note); f.appendChild(ln);
    var keep = null;
    if (st.open_appeals > 0) {
      var lk = el('label', 'pd-keep');
      keep = el('input');
      keep.type = 'checkbox'; keep.name = 'open_appeals';
      lk.appendChild(keep);
      lk.appendChild(document.createTextNode(' ' + fill(t('pd_open_appeals'), st.open_appeals)));
      f.appendChild(lk);
    }
    var err = el('p', 'error');
    err.hidden = true;
    var ok = el('button', 'danger', t('pd_erase_go'));
    var no = el('button', '', t('pd_cancel'));
    no.type = 'button';
    no.addEventListener('click', function () { f.remove(); cancelled(); });
    var row = el('div', 'row');
    row.appendChild(ok); row.appendChild(no);
    f.appendChild(err); f.appendChild(row);
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      ok.disabled = true;
      var body = { ground: sel.value, note: note.value, open_appeals: keep && keep.checked ? 'keep' : '' };
      ui.ready().then(function () {
        return api('POST', '/api/v1/privacy/members/' + encodeURIComponent(m.id) + '/erase', body);
      }).then(function () {
        return api('GET', '/api/v1/crm/members/' + encodeURIComponent(m.id));
      }).then(function (u) { changed(u); }).catch(function (e) { ok.disabled = false; ui.showError(err, e); });
    });
    return f;
  }
})();
