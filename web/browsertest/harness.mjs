// The shared half of every real-Chromium test (the Go half is harness.go,
// which starts the hub and passes what it set up in the environment):
// launch options for Debian's chromium, pages that record script errors,
// sign-in, screenshots at desktop width and at 390 px, and run(), which
// photographs the page in trouble and exits non-zero on the first failed
// check. Tests in other folders import it by path; playwright-core then
// resolves from this folder's node_modules.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export const env = process.env;
export const base = env.PROFHUB_BASE;
export const shots = env.PROFHUB_SHOTS || 'screenshots';
mkdirSync(shots, { recursive: true });

// Without the background-networking flags Chromium floods the closed
// network with refused connections; the browser is Debian's, never a
// downloaded one.
export const launchOptions = {
  executablePath: env.PROFHUB_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export const desktop = { width: 1366, height: 800 };
export const phoneWidth = 390;

export function check(cond, msg) {
  if (!cond) throw new Error('check failed: ' + msg);
}

// watch records the page's console errors and uncaught exceptions in
// page.errors; with dialogs, a dialog is recorded and dismissed too.
export function watch(page, { dialogs = false } = {}) {
  page.errors = [];
  page.on('console', m => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', e => page.errors.push(String(e)));
  if (dialogs) page.on('dialog', d => { page.errors.push('dialog: ' + d.message()); d.dismiss(); });
  return page;
}

// newPage opens a watched page in a fresh Russian context.
export async function newPage(browser, { viewport = desktop, dialogs = false } = {}) {
  const ctx = await browser.newContext({ viewport, locale: 'ru-RU' });
  return watch(await ctx.newPage(), { dialogs });
}

// signIn opens a new context, signs in on /login and waits for the home
// page; then it goes to path when one is given.
export async function signIn(browser, login, { password = env.PROFHUB_PASSWORD, viewport = desktop, dialogs = false, path = '' } = {}) {
  const page = await newPage(browser, { viewport, dialogs });
  await signInOn(page, login, password);
  if (path) await page.goto(base + path);
  return page;
}

// signInOn signs in on an existing page.
export async function signInOn(page, login, password = env.PROFHUB_PASSWORD) {
  await page.goto(base + '/login');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button.primary');
  await page.waitForURL(base + '/');
}

// shoot saves name.png of a page (or of one element, given a locator) as
// it is, then name-390.png with the page narrowed to a phone's width, and
// puts the width back. opts go to playwright's screenshot (fullPage).
export async function shoot(target, name, opts = {}) {
  const page = typeof target.page === 'function' ? target.page() : target;
  await target.screenshot({ ...opts, path: `${shots}/${name}.png` });
  const size = page.viewportSize();
  if (!size) return;
  await page.setViewportSize({ width: phoneWidth, height: size.height });
  try {
    await target.screenshot({ ...opts, path: `${shots}/${name}-${phoneWidth}.png` });
  } finally {
    await page.setViewportSize(size);
  }
}

// run launches the browser and runs body(browser, current); body sets
// current.page to the page a failure should photograph. A failure prints the reason and
// that page's errors, saves name-failure.png and sets a non-zero exit.
export async function run(name, body) {
  const browser = await chromium.launch(launchOptions);
  const current = { page: null };
  try {
    await body(browser, current);
  } catch (e) {
    console.error(e.stack || String(e));
    if (current.page) {
      console.error('page errors:', JSON.stringify(current.page.errors || []));
      await current.page.screenshot({ path: `${shots}/${name}-failure.png`, fullPage: true }).catch(() => {});
    }
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

// goOnline puts the console's operator on line and waits until the hub has
// recorded it: routing offers only to operators the hub knows are online,
// so a message sent before the POST lands would go to someone else.
export async function goOnline(page) {
  await Promise.all([
    page.waitForResponse(r => r.url().endsWith('/api/v1/inbox/presence') && r.request().method() === 'POST' && r.ok()),
    page.selectOption('#presence', 'online'),
  ]);
}
