// The hub as an app on a phone: every page registers the service worker
// (/sw.js, served by web/ui_pwa.go), which keeps only the static shell and
// shows push notices. Signing out unsubscribes this browser from push
// first, so a shared phone stops getting the person's notices.
(function () {
  'use strict';
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () { /* the pages work without it */ });

  var logout = document.querySelector('form[action="/logout"]');
  if (!logout || !('PushManager' in window)) return;
  var leaving = false;
  logout.addEventListener('submit', function (e) {
    if (leaving) return;
    e.preventDefault();
    leaving = true;
    var csrf = logout.querySelector('input[name=csrf_token]');
    var done = function () { logout.submit(); };
    var timer = setTimeout(done, 3000); // never hold the sign-out up for long
    navigator.serviceWorker.getRegistration('/').then(function (reg) {
      return reg && reg.pushManager.getSubscription();
    }).then(function (sub) {
      if (!sub) return null;
      return fetch('/api/v1/notifications/push/subscriptions', {
        method: 'DELETE', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ? csrf.value : '' },
        body: JSON.stringify({ endpoint: sub.endpoint })
      }).then(function () { return sub.unsubscribe(); });
    }).catch(function () { /* sign out anyway */ }).then(function () { clearTimeout(timer); done(); });
  });
})();
