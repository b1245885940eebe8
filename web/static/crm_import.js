// The member import wizard (/members/import): upload a file, see how it was
// read (format, encoding, delimiter, header row) and the field guessed for
// each column, check it (a dry run listing every row's problem, also as
// XLSX), import it as a batch with a progress bar, and undo the batch.
// Works through the CRM's wizard API (/api/v1/crm/imports).
(function () {
  'use strict';
  var ui = window.profhub, t = ui.t, el = ui.el, api = ui.api;
  if (!document.getElementById('import-page')) return;
  function $(id) { return document.getElementById(id); }
  // The largest file the server takes (crm.MaxImportBytes).
  var MAX_BYTES = 64 << 20;
  var analysis = null, batch = null, polling = 0;

  // Errors in the user's language: the wizard's refusals carry a code the
  // catalogue knows; anything else shows as the server sent it.
  function errText(err) {
    var code = err && err.body && err.body.error && err.body.error.code;
    if (code && T('imp_err_' + code)) return T('imp_err_' + code);
    if (err && err.status === 413) return T('imp_err_too_large');
    return (err && err.message) || String(err);
  }
  function T(k) { var s = t(k); return s === k ? '' : s; }
  function showError(err) { $('imp-error').textContent = errText(err); $('imp-error').hidden = false; }
  function clearError() { $('imp-error').hidden = true; $('imp-error').textContent = ''; }
  function step(name) {
    document.querySelectorAll('.imp-steps li').forEach(function (li) { li.classList.toggle('current', li.dataset.step === name); });
    $('imp-upload').hidden = name !== 'upload';
    $('imp-map').hidden = name !== 'map' && name !== 'check';
    $('imp-check-result').hidden = name !== 'check';
    $('imp-progress-box').hidden = name !== 'run';
  }
  // A custom field is named by its label (the analysis carries them).
  var labels = {};
  function fieldName(f) { return labels[f] || T('imp_field_' + f) || f; }

  // Step 1: the file.
  $('imp-upload').addEventListener('submit', function (e) {
    e.preventDefault();
    clearError();
    var file = $('imp-upload').elements.file.files[0];
    if (!file) return;
    if (file.size > MAX_BYTES) { showError({ body: { error: { code: 'too_large' } } }); return; }
    var button = $('imp-upload').querySelector('button');
    button.disabled = true;
    ui.ready().then(function () {
      return ui.upload('/api/v1/crm/imports?name=' + encodeURIComponent(file.name), file, 'application/octet-stream');
    }).then(function (a) {
      analysis = a;
      showAnalysis(a);
      step('map');
    }).catch(showError).finally(function () { button.disabled = false; });
  });

  // Step 2: how the file was read, and a field for each column.
  function showAnalysis(a) {
    var s = $('imp-summary');
    s.textContent = '';
    var parts = [t('imp_file') + ': ' + a.file_name, t('imp_format') + ': ' + a.format.toUpperCase()];
    if (a.format === 'csv') {
      parts.push(t('imp_encoding') + ': ' + (T('imp_enc_' + a.encoding) || a.encoding));
      parts.push(t('imp_delimiter') + ': ' + (T('imp_delim_' + ({ ';': 'semicolon', ',': 'comma', '\t': 'tab' }[a.delimiter])) || a.delimiter));
    }
    parts.push(t('imp_header_row') + ': ' + a.header_row + (a.title_rows ? ' (' + t('imp_title_rows') + ': ' + a.title_rows + ')' : ''));
    parts.push(t('imp_rows') + ': ' + a.rows);
    parts.forEach(function (p, i) { if (i) s.appendChild(el('br')); s.appendChild(document.createTextNode(p)); });
    labels = a.field_labels || {};
    var tb = $('imp-columns');
    tb.textContent = '';
    var head = el('tr');
    [t('imp_column'), t('imp_field'), t('imp_samples')].forEach(function (h) { head.appendChild(el('th', '', h)); });
    tb.appendChild(head);
    a.columns.forEach(function (c) {
      var tr = el('tr'), sel = el('select');
      sel.dataset.heading = c.heading;
      sel.setAttribute('aria-label', c.heading);
      sel.add(new Option(t('imp_skip_column'), ''));
      a.fields.forEach(function (f) { sel.add(new Option(fieldName(f), f)); });
      sel.value = c.field || '';
      tr.appendChild(el('td', '', c.heading));
      var td = el('td'); td.appendChild(sel); tr.appendChild(td);
      tr.appendChild(el('td', 'samples', (c.samples || []).join('\n')));
      tb.appendChild(tr);
    });
  }
  function plan() {
    var mapping = {};
    $('imp-columns').querySelectorAll('select').forEach(function (s) { mapping[s.dataset.heading] = s.value; });
    return { mapping: mapping, unit_id: $('imp-unit').value };
  }
  function again() { analysis = null; $('imp-upload').reset(); clearError(); step('upload'); }
  $('imp-again').addEventListener('click', again);
  $('imp-reupload').addEventListener('click', again);

  // Step 3: the dry run.
  $('imp-check').addEventListener('click', function () {
    clearError();
    $('imp-check').disabled = true;
    api('POST', '/api/v1/crm/imports/' + encodeURIComponent(analysis.session) + '/check', plan()).then(function (r) {
      $('imp-counts').textContent = t('imp_would_create') + ': ' + r.created + ' · ' + t('imp_would_update') + ': ' + r.updated +
        ' · ' + t('imp_unchanged') + ': ' + r.unchanged + ' · ' + t('imp_skipped') + ': ' + r.skipped + ' · ' + t('imp_problems') + ': ' + r.errors;
      var tb = $('imp-problems');
      tb.textContent = '';
      $('imp-problems-box').hidden = !r.problems.length;
      if (r.problems.length) {
        var head = el('tr');
        [t('imp_row'), t('imp_field'), t('imp_problem'), t('imp_row_cells')].forEach(function (h) { head.appendChild(el('th', '', h)); });
        tb.appendChild(head);
        r.problems.forEach(function (p) {
          var tr = el('tr', 'imp-problem');
          tr.appendChild(el('td', 'num', String(p.row)));
          tr.appendChild(el('td', '', p.field ? fieldName(p.field) : ''));
          tr.appendChild(el('td', '', (T('imp_err_' + p.code) || p.message).replace('%s', p.field || '')));
          tr.appendChild(el('td', 'cells', (p.cells || []).filter(Boolean).join(' · ')));
          tb.appendChild(tr);
        });
        $('imp-problems-xlsx').href = '/api/v1/crm/imports/' + encodeURIComponent(analysis.session) + '/problems.xlsx';
      }
      $('imp-run').textContent = r.problems.length ? t('imp_run_skipping') : t('imp_run');
      $('imp-run').disabled = r.created + r.updated === 0;
      step('check');
    }).catch(showError).finally(function () { $('imp-check').disabled = false; });
  });

  // Step 4: the import, its progress, and the undo.
  $('imp-run').addEventListener('click', function () {
    clearError();
    $('imp-run').disabled = true;
    api('POST', '/api/v1/crm/imports/' + encodeURIComponent(analysis.session) + '/run', plan()).then(function (b) {
      batch = b;
      $('imp-undo').hidden = true; $('imp-to-members').hidden = true; $('imp-new').hidden = true;
      $('imp-undone').textContent = '';
      step('run');
      progress(b);
    }).catch(showError).finally(function () { $('imp-run').disabled = false; });
  });
  // The progress arrives live from the server (server-sent events: the
  // bar moves as the rows are applied); a browser without EventSource, or
  // a stream that fails for good, asks every 400 ms instead.
  var stream = null;
  function progress(b) {
    show(b);
    if (b.status !== 'running') return;
    if (window.EventSource) listen(b); else poll(b);
  }
  function poll(b) {
    clearTimeout(polling);
    polling = setTimeout(function () {
      api('GET', '/api/v1/crm/import-batches/' + encodeURIComponent(b.id)).then(function (x) {
        show(x);
        if (x.status === 'running') poll(x);
      }).catch(showError);
    }, 400);
  }
  function listen(b) {
    if (stream) stream.close();
    var s = stream = new EventSource('/api/v1/crm/import-batches/' + encodeURIComponent(b.id) + '/events');
    s.addEventListener('progress', function (e) {
      var x = JSON.parse(e.data);
      show(x);
      if (x.status !== 'running') { s.close(); if (stream === s) stream = null; }
    });
    // The server ends each stream after a while and the browser
    // reconnects; only a stream closed for good falls back to asking.
    s.onerror = function () {
      if (s.readyState === EventSource.CLOSED && stream === s) { stream = null; poll(batch); }
    };
  }
  function show(b) {
    batch = b;
    var bar = $('imp-progress');
    bar.max = Math.max(b.total, 1);
    bar.value = b.status === 'running' ? b.done : bar.max;
    if (b.status === 'running') {
      $('imp-progress-text').textContent = t('imp_progress') + ': ' + b.done + ' / ' + b.total;
      return;
    }
    if (b.status === 'failed') {
      $('imp-progress-text').textContent = t('imp_failed') + ': ' + (T('imp_err_' + b.message) || b.message) + '. ' +
        t('imp_created') + ': ' + b.created + ' · ' + t('imp_updated') + ': ' + b.updated;
    } else {
      $('imp-progress-text').textContent = t('imp_done') + ': ' + t('imp_created') + ': ' + b.created + ' · ' + t('imp_updated') + ': ' +
        b.updated + (b.errors ? ' · ' + t('imp_skipped_errors') + ': ' + b.errors : '');
    }
    $('imp-undo').hidden = b.status === 'undone' || b.created + b.updated === 0;
    $('imp-to-members').hidden = false;
    $('imp-new').hidden = false;
  }
  $('imp-undo').addEventListener('click', function () {
    if (!window.confirm(t('imp_undo_confirm'))) return;
    clearError();
    $('imp-undo').disabled = true;
    api('POST', '/api/v1/crm/import-batches/' + encodeURIComponent(batch.id) + '/undo').then(function (r) {
      $('imp-undo').hidden = true;
      $('imp-undone').textContent = t('imp_undone') + ': ' + t('imp_removed') + ': ' + r.removed + ' · ' + t('imp_restored') + ': ' +
        r.restored + (r.kept ? ' · ' + t('imp_kept') + ': ' + r.kept : '');
    }).catch(showError).finally(function () { $('imp-undo').disabled = false; });
  });
  $('imp-new').addEventListener('click', again);

  ui.ready().then(function () { return api('GET', '/api/v1/units'); }).then(function (r) {
    r.units.forEach(function (u) { $('imp-unit').add(new Option(u.name, u.id)); });
  }).catch(showError);
  step('upload');
})();
