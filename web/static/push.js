// The profile's "notifications on this phone / in this browser" switch:
// on, it asks the browser's permission, subscribes through the service
// worker with the hub's VAPID key and gives the subscription to the hub;
// off, it tells the hub to forget this browser and unsubscribes. Which
// notices are pushed is chosen per kind in the table above ("На телефон").
(function () {
  'use strict';
  var root = document.getElementById('push-switch');
  if (!root || !window.profhub) return;
  var ui = window.profhub;
  var S = JSON.parse(root.getAttribute('data-strings') || '{}');
  function t(k) { return S[k] || k; }
  var box = root.querySelector('input[type=checkbox]'), status = root.querySelector('.status');
  var csrf = document.querySelector('input[name=csrf_token]');
  if (csrf && !ui.csrf) ui.csrf = csrf.value;
  var API = '/api/v1/notifications/push';
  function say(k) { status.textContent = t(k); }

  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    say('notify.push_unsupported');
    return;
  }

  // key turns the base64url VAPID key into the bytes pushManager wants.
  function key(b64) {
    var s = (b64 + '==='.slice((b64.length + 3) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function sameKey(sub, want) {
    var have = sub.options && sub.options.applicationServerKey;
    if (!have) return true;
    have = new Uint8Array(have);
    if (have.length !== want.length) return false;
    for (var i = 0; i < want.length; i++) if (have[i] !== want[i]) return false;
    return true;
  }

  var vapid = null, reg = null;
  function subscribe() {
    return Notification.requestPermission().then(function (p) {
      if (p !== 'granted') { var e = new Error(t('notify.push_denied')); e.quiet = true; throw e; }
      return reg.pushManager.getSubscription();
    }).then(function (old) {
      if (old && !sameKey(old, vapid)) return old.unsubscribe().then(function () { return null; });
      return old;
    }).then(function (old) {
      return old || reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: vapid });
    }).then(function (sub) {
      return ui.api('POST', API + '/subscriptions', sub.toJSON());
    });
  }
  function unsubscribe() {
    return reg.pushManager.getSubscription().then(function (sub) {
      if (!sub) return null;
      return ui.api('DELETE', API + '/subscriptions', { endpoint: sub.endpoint }).then(function () { return sub.unsubscribe(); });
    });
  }

  box.addEventListener('change', function () {
    box.disabled = true;
    status.textContent = '';
    var on = box.checked;
    (on ? subscribe() : unsubscribe()).then(function () {
      say(on ? 'notify.push_on' : 'notify.push_off');
    }).catch(function (err) {
      box.checked = !on;
      status.textContent = (err && err.message) || String(err);
    }).then(function () { box.disabled = false; });
  });

  ui.api('GET', API + '/key').then(function (r) {
    if (!r.enabled) { say('notify.push_unavailable'); return null; }
    vapid = key(r.public_key);
    return navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (ready) {
      reg = ready;
      return reg.pushManager.getSubscription();
    }).then(function (sub) {
      var on = !!sub && Notification.permission === 'granted' && sameKey(sub, vapid);
      box.checked = on;
      box.disabled = false;
      if (Notification.permission === 'denied') say('notify.push_denied');
      // The hub may have forgotten this browser (a 410 from its push service,
      // another person's sign-in here): telling it again costs nothing.
      if (on) return ui.api('POST', API + '/subscriptions', sub.toJSON());
      return null;
    });
  }).catch(ui.fail(status));
})();
