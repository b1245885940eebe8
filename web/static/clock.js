// The working day control in the page header, beside the bell: the day's
// state and the time worked, and one click to start, pause, resume or end
// it (/api/v1/worktime). The server keeps the intervals and refuses what
// the day's state does not allow; its message shows as a toast.
(function () {
  'use strict';
  var root = document.getElementById('clock');
  if (!root || !window.profhub) return;
  var ui = window.profhub;
  var S = JSON.parse(root.getAttribute('data-strings') || '{}');
  function t(k) { return S[k] || k; }
  var state = root.querySelector('.clock-state'), go = root.querySelector('.clock-go'), end = root.querySelector('.clock-end');
  var csrf = document.querySelector('header.top input[name=csrf_token]');
  if (csrf && !ui.csrf) ui.csrf = csrf.value;
  var day = null, loadedAt = 0;
  // next action of the main button by state
  var next = { off: 'start', working: 'pause', paused: 'resume' };

  function worked() {
    var m = day.minutes;
    if (day.state === 'working') m += Math.floor((Date.now() - loadedAt) / 60000);
    var h = Math.floor(m / 60), mm = m % 60;
    return t('clock.hours').replace('%s', h).replace('%s', mm < 10 ? '0' + mm : mm);
  }
  function draw() {
    if (!day) return;
    root.hidden = false;
    root.setAttribute('data-state', day.state);
    state.textContent = t('clock.' + day.state) + (day.state === 'off' ? '' : ' · ' + worked());
    root.title = t('clock.label') + ': ' + state.textContent;
    go.hidden = !next[day.state];
    if (next[day.state]) go.textContent = t('clock.' + next[day.state]);
    end.hidden = day.state !== 'working' && day.state !== 'paused';
    end.textContent = t('clock.end');
  }
  function take(r) { day = r.today; loadedAt = Date.now(); draw(); }
  function act(action, b) {
    b.disabled = true;
    ui.api('POST', '/api/v1/worktime/' + action).then(take).catch(function (e) {
      ui.toast(e.message);
      return load();
    }).then(function () { b.disabled = false; });
  }
  go.addEventListener('click', function () { if (day && next[day.state]) act(next[day.state], go); });
  end.addEventListener('click', function () { act('end', end); });
  function load() { return ui.api('GET', '/api/v1/worktime/today').then(take).catch(function () {}); }
  load();
  setInterval(draw, 30000);
})();
