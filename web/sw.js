// profhub's service worker (rendered by web/ui_pwa.go: the shell's list and
// version are filled in per release). It keeps only the static shell:
// style sheets, scripts, icons and the offline page. Pages and API answers
// always come from the network and are never stored, so nothing personal
// stays on the device; a page that cannot be reached shows the offline page.
// It also shows Web Push notices and opens their link when tapped.
'use strict';

var PREFIX = 'profhub-shell-';
var CACHE = PREFIX + '/*{{.Version}}*/';
var SHELL = /*{{.Shell}}*/;
var ICON = '/*{{.Icon}}*/';

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    // Without cookies: the offline page is the visitor's, whoever installs it.
    return c.addAll(SHELL.map(function (u) { return new Request(u, { credentials: 'omit' }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf(PREFIX) === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf('/static/') === 0) {
    // A shell file of this release from the cache; any other file from
    // the network, not stored.
    e.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (hit) { return hit || fetch(req); });
    }));
    return;
  }
  if (req.mode === 'navigate') {
    e.respondWith(fetch(req).catch(function () {
      return caches.open(CACHE).then(function (c) { return c.match('/offline'); });
    }));
  }
  // Everything else (the API, the bell's stream, files) goes to the network untouched.
});

self.addEventListener('push', function (e) {
  var d = {};
  try { d = e.data ? e.data.json() : {}; } catch (err) { d = { body: e.data.text() }; }
  e.waitUntil(self.registration.showNotification(d.title || 'profhub', {
    body: d.body || '', tag: d.tag || '', icon: ICON, badge: ICON, data: { url: d.url || '/' }
  }));
});

// A tap opens the notice's page: in a window of the hub already open when
// there is one, else in a new one. Only the hub's own pages are opened.
self.addEventListener('notificationclick', function (e) {
  e.notification.close();
  var target = new URL((e.notification.data && e.notification.data.url) || '/', self.location.origin);
  if (target.origin !== self.location.origin) target = new URL('/', self.location.origin);
  e.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      var c = list[i];
      if (new URL(c.url).origin === self.location.origin && 'navigate' in c) {
        return c.focus().then(function (w) { return (w || c).navigate(target.href); })
          .catch(function () { return self.clients.openWindow(target.href); });
      }
    }
    return self.clients.openWindow(target.href);
  }));
});

// The push service replaced this browser's subscription (it expired or was
// rotated): subscribe again with the hub's key and tell the hub, so that
// notices keep coming without the person opening the hub first. The worker
// asks for the session's CSRF token the way pages do; with no session
// (signed out), nothing is sent, and the profile page registers the
// browser again at the next sign-in.
var PUSH_API = '/api/v1/notifications/push';

function hubCall(method, path, body, csrf) {
  var opts = { method: method, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf || '' } };
  if (body) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
  return fetch(path, opts).then(function (r) {
    if (!r.ok) throw new Error(method + ' ' + path + ': ' + r.status);
    return r.status === 204 ? null : r.json();
  });
}

function resubscribe(old, fresh) {
  var csrf = '';
  return hubCall('GET', '/api/v1/me').then(function (me) {
    csrf = me.csrf_token;
    if (fresh) return fresh;
    return hubCall('GET', PUSH_API + '/key').then(function (k) {
      if (!k.enabled) throw new Error('push is off on this hub');
      // A base64url string is a valid applicationServerKey.
      return self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: k.public_key });
    });
  }).then(function (sub) {
    return hubCall('POST', PUSH_API + '/subscriptions', sub.toJSON(), csrf).then(function () { return sub; });
  }).then(function (sub) {
    if (old && old.endpoint && old.endpoint !== sub.endpoint) {
      return hubCall('DELETE', PUSH_API + '/subscriptions', { endpoint: old.endpoint }, csrf);
    }
    return null;
  });
}

self.addEventListener('pushsubscriptionchange', function (e) {
  e.waitUntil(resubscribe(e.oldSubscription || null, e.newSubscription || null).catch(function (err) {
    console.warn('push subscription not renewed:', err && err.message);
  }));
});
