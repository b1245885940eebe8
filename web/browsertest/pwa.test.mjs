// The hub as an installable app (started by web/pwa_browser_test.go): the
// manifest and its icons, the service worker registered on every page and
// keeping only the static shell, the offline page without a network, a
// push shown as a notification, and the profile's push switch. Headless
// Chromium has no push service: pushManager's answer is stood in for with
// a browser's real keys (PUSH_*), everything else is the real page.
import { base, check, env, run, shoot, signIn } from './harness.mjs';

const sub = { endpoint: env.PUSH_ENDPOINT, p256dh: env.PUSH_P256DH, auth: env.PUSH_AUTH };

// fakePushService replaces what a push service would answer pushManager.
function fakePushService(s) {
  let current = null;
  const b64 = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  PushManager.prototype.subscribe = function (opts) {
    window.__pushKey = b64(opts.applicationServerKey);
    current = {
      endpoint: s.endpoint, options: { applicationServerKey: opts.applicationServerKey },
      toJSON() { return { endpoint: s.endpoint, expirationTime: null, keys: { p256dh: s.p256dh, auth: s.auth } }; },
      unsubscribe() { current = null; return Promise.resolve(true); },
    };
    return Promise.resolve(current);
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
}

async function api(page, path) {
  return page.evaluate(p => fetch(p, { credentials: 'same-origin' }).then(r => r.json()), path);
}

await run('pwa', async (browser, current) => {
  const page = current.page = await signIn(browser, 'chair');
  const ctx = page.context();
  await ctx.grantPermissions(['notifications'], { origin: base });

  // The manifest, linked from every page, in Russian, with its icons.
  check(await page.locator('link[rel=manifest]').getAttribute('href') === '/manifest.webmanifest', 'the page links the manifest');
  const mr = await page.request.get(base + '/manifest.webmanifest');
  check(mr.headers()['content-type'] === 'application/manifest+json', 'manifest content type: ' + mr.headers()['content-type']);
  const m = await mr.json();
  check(m.short_name === 'Профхаб' && m.name.includes('профсоюза') && m.display === 'standalone' && m.theme_color === '#222a36',
    'manifest: ' + JSON.stringify(m));
  for (const icon of m.icons) {
    const r = await page.request.get(base + icon.src);
    check(r.ok() && r.headers()['content-type'] === 'image/png', `icon ${icon.src}: ${r.status()} ${r.headers()['content-type']}`);
  }
  const sw = await page.request.get(base + '/sw.js');
  check(sw.headers()['content-type'].startsWith('text/javascript') && sw.headers()['service-worker-allowed'] === '/', 'sw.js headers');

  // The worker registers and controls the pages.
  const script = await page.evaluate(async () => (await navigator.serviceWorker.ready).active.scriptURL);
  check(script === base + '/sw.js', 'the active worker is ' + script);
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);

  // It keeps the shell and the offline page, and no page or API answer.
  await page.evaluate(() => fetch('/api/v1/notifications').then(r => r.json()));
  const kept = await page.evaluate(async () => {
    const out = [];
    for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) out.push(r.url);
    return out;
  });
  check(kept.includes(base + '/offline') && kept.some(u => u.includes('/static/app.css?v=')), 'kept: ' + kept.join(' '));
  check(kept.every(u => u === base + '/offline' || u.startsWith(base + '/static/')), 'a page or an API answer was kept: ' + kept.join(' '));

  // Without a network a page shows the offline page, naming nobody.
  await ctx.setOffline(true);
  await page.goto(base + '/documents');
  check((await page.textContent('h1')).includes('Нет связи'), 'the offline page shows');
  check(await page.locator('header.top').count() === 0, 'the offline page shows no one\'s header');
  await shoot(page, 'pwa-offline');
  await ctx.setOffline(false);

  // A push reaching the worker is shown as a notification (delivered
  // through the DevTools protocol: headless Chromium has no push service).
  await page.goto(base + '/');
  const cdp = await ctx.newCDPSession(page);
  const reg = new Promise(resolve => cdp.on('ServiceWorker.workerRegistrationUpdated', e => {
    const r = e.registrations.find(x => x.scopeURL === base + '/' && !x.isDeleted);
    if (r) resolve(r.registrationId);
  }));
  await cdp.send('ServiceWorker.enable');
  const payload = { title: 'Документ на резолюцию', body: 'ВХ-12 · Письмо о премировании', url: '/documents', tag: 'n1' };
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: base, registrationId: await reg, data: JSON.stringify(payload) });
  await page.waitForFunction(async () => (await (await navigator.serviceWorker.ready).getNotifications()).length > 0, null, { timeout: 10000 });
  const shown = await page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map(n => [n.title, n.body, n.data.url]));
  check(JSON.stringify(shown[0]) === JSON.stringify([payload.title, payload.body, '/documents']), 'notification shown: ' + JSON.stringify(shown));

  // The profile's switch subscribes with the hub's key and unsubscribes.
  await ctx.addInitScript(fakePushService, sub);
  await page.goto(base + '/profile');
  const box = page.locator('#push-switch input[type=checkbox]');
  await page.waitForFunction(() => !document.querySelector('#push-switch input').disabled);
  check(!(await box.isChecked()), 'push starts off');
  await page.waitForSelector('#notify-prefs th.way');
  const pushHead = await page.locator('#notify-prefs th.way', { hasText: 'На телефон' }).textContent();
  check(!pushHead.includes('скоро'), 'push is offered as delivered in the table: ' + pushHead);
  await box.check();
  await page.waitForFunction(() => document.querySelector('#push-switch .status').textContent.includes('Включено'));
  const key = (await api(page, '/api/v1/notifications/push/key')).public_key;
  check(await page.evaluate(() => window.__pushKey) === key, 'subscribed with the hub\'s VAPID key');
  let subs = (await api(page, '/api/v1/notifications/push/subscriptions')).subscriptions;
  check(subs.length === 1 && subs[0].endpoint === sub.endpoint, 'the hub keeps the subscription: ' + JSON.stringify(subs));
  await shoot(page.locator('#push-switch'), 'pwa-push-switch');
  await box.uncheck();
  await page.waitForFunction(() => document.querySelector('#push-switch .status').textContent.includes('Выключено'));
  subs = (await api(page, '/api/v1/notifications/push/subscriptions')).subscriptions;
  check(subs.length === 0, 'unsubscribed: ' + JSON.stringify(subs));
  await box.check();
  await page.waitForFunction(() => document.querySelector('#push-switch .status').textContent.includes('Включено'));
  await shoot(page, 'pwa-profile', { fullPage: true });

  // The push service rotates the subscription: the worker subscribes again
  // by itself and the hub swaps the old endpoint for the new one. Chromium
  // fires the event only from a real push service, so it is dispatched in
  // the worker, with pushManager answering as one would.
  const [worker] = ctx.serviceWorkers();
  check(!!worker, 'the service worker is running');
  const renewed = sub.endpoint + '-renewed';
  await worker.evaluate(s => {
    self.registration.pushManager.subscribe = () => Promise.resolve({
      endpoint: s.endpoint, toJSON() { return { endpoint: s.endpoint, expirationTime: null, keys: { p256dh: s.p256dh, auth: s.auth } }; },
    });
    const e = new ExtendableEvent('pushsubscriptionchange');
    e.oldSubscription = { endpoint: s.old };
    self.dispatchEvent(e);
  }, { endpoint: renewed, p256dh: sub.p256dh, auth: sub.auth, old: sub.endpoint });
  for (let i = 0; i < 100; i++) {
    subs = (await api(page, '/api/v1/notifications/push/subscriptions')).subscriptions;
    if (subs.length === 1 && subs[0].endpoint === renewed) break;
    await page.waitForTimeout(200);
  }
  check(subs.length === 1 && subs[0].endpoint === renewed, 'the hub has the renewed subscription only: ' + JSON.stringify(subs));
  check(page.errors.length === 0, 'page errors: ' + JSON.stringify(page.errors));
});
