// The secretary registers an appeal card as an incoming document from
// /appeals and lands on the document. A chairman (who cannot register)
// sees no button. Started by web/appeal_document_browser_test.go.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const env = process.env;
const base = env.PROFHUB_BASE, shots = env.PROFHUB_SHOTS || 'screenshots', appeal = env.PROFHUB_APPEAL;
mkdirSync(shots, { recursive: true });

function check(cond, msg) {
  if (!cond) throw new Error('check failed: ' + msg);
}

async function signIn(browser, login) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU' });
  const page = await ctx.newPage();
  page.errors = [];
  page.on('console', m => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', e => page.errors.push(String(e)));
  await page.goto(base + '/login');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', env.PROFHUB_PASSWORD);
  await page.click('button.primary');
  await page.waitForURL(base + '/');
  return page;
}

let current;
const browser = await chromium.launch({
  executablePath: env.PROFHUB_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const chair = current = await signIn(browser, 'chairman');
  await chair.goto(base + '/appeals?id=' + appeal);
  await chair.waitForSelector('#a-card h2');
  check(await chair.locator('#a-to-document').count() === 0, 'the chairman sees the register button');

  const sec = current = await signIn(browser, 'secretary');
  await sec.goto(base + '/appeals?id=' + appeal);
  await sec.waitForSelector('#a-to-document');
  await sec.screenshot({ path: `${shots}/appeal-to-document.png` });
  await sec.click('#a-to-document');
  await sec.waitForURL(/\/documents#doc\//);
  await sec.waitForSelector('#decide, #docs-view h1');
  const text = await sec.locator('#docs-view').innerText();
  check(text.includes('Незаконное увольнение'), 'the document card shows the appeal subject: ' + text.slice(0, 300));
  check(text.includes('ВХ-'), 'the document has an incoming number');
  await sec.screenshot({ path: `${shots}/appeal-document-card.png`, fullPage: true });
  check(sec.errors.length === 0 && chair.errors.length === 0, 'console errors: ' + sec.errors.concat(chair.errors).join('; '));
  console.log('appeal → incoming document: ok');
} catch (e) {
  if (current) await current.screenshot({ path: `${shots}/appeal-document-failure.png`, fullPage: true }).catch(() => {});
  throw e;
} finally {
  await browser.close();
}
