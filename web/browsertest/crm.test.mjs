// End-to-end test of the member registry and the appeals pages in real
// Chromium, on the demo federation. Started by web/crm_browser_test.go;
// exits non-zero with a reason on the first failed check.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const env = process.env;
const base = env.PROFHUB_BASE;
const shots = env.PROFHUB_SHOTS || 'screenshots';
mkdirSync(shots, { recursive: true });

function check(cond, msg) {
  if (!cond) throw new Error('check failed: ' + msg);
}

const browser = await chromium.launch({
  executablePath: env.PROFHUB_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let page;
try {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'ru-RU' });
  page = await ctx.newPage();
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(base + '/login');
  await page.fill('input[name=login]', 'operator1');
  await page.fill('input[name=password]', env.PROFHUB_PASSWORD);
  await page.click('button.primary');
  await page.waitForURL(base + '/');

  // The registry: every demo card, then a search that ignores ё and case.
  await page.goto(base + '/members');
  await page.waitForSelector('#m-table tr.pick');
  check((await page.locator('#m-table tr.pick').count()) === 12, 'the demo has 12 cards');
  await page.fill('#m-filters input[name=q]', 'КОВАЛЕВА');
  await page.click('#m-filters button.primary');
  await page.waitForFunction(() => document.querySelectorAll('#m-table tr.pick').length === 1);
  check((await page.locator('#m-total').textContent()).includes('1'), 'one found');
  await page.click('#m-table tr.pick');
  await page.waitForSelector('#m-card ol.timeline li.appeal');
  const card = await page.locator('#m-card').textContent();
  check(card.includes('Ковалёва Марина Сергеевна') && card.includes('56-000101'), 'the card shows the member: ' + card);
  check(await page.locator('#m-card ol.timeline li.conversation').count() === 1, 'the timeline has her conversation');
  check((await page.getAttribute('#m-export', 'href')).includes('q=%D0%9A'), 'the export link carries the filter');
  // A saved filter selects the activists.
  await page.fill('#m-filters input[name=q]', '');
  await page.selectOption('#m-filters select[name=filter_id]', { index: 1 });
  await page.click('#m-filters button.primary');
  await page.waitForFunction(() => document.querySelectorAll('#m-table tr.pick').length === 4);
  await page.selectOption('#m-filters select[name=filter_id]', '');
  await page.click('#m-filters button.primary');
  await page.waitForFunction(() => document.querySelectorAll('#m-table tr.pick').length === 12);
  await page.click('#m-table tr.pick >> nth=2'); // Ковалёва, with a conversation and an appeal
  await page.waitForSelector('#m-card ol.timeline li.appeal');
  await page.screenshot({ path: shots + '/crm-members.png' });

  // Appeals: the overdue one is highlighted; resolving it needs a text.
  await page.goto(base + '/appeals');
  await page.waitForSelector('#a-table tr.pick');
  await page.selectOption('#a-filters select[name=view]', 'overdue');
  await page.waitForFunction(() => document.querySelectorAll('#a-table tr.pick').length === 1);
  check(await page.locator('#a-table tr.overdue').count() === 1, 'the overdue appeal is marked');
  await page.click('#a-table tr.pick');
  await page.waitForSelector('#a-card form');
  await page.selectOption('#a-card select', 'resolved');
  await page.click('#a-card button.primary');
  await page.waitForFunction(() => /resolution|решени/i.test(document.querySelector('#a-card form span').textContent));
  await page.fill('#a-card textarea', 'Разъяснён порядок переноса отпуска (ст. 124 ТК РФ).');
  await page.click('#a-card button.primary');
  await page.waitForFunction(() => document.querySelectorAll('#a-table tr.pick').length === 0);
  await page.selectOption('#a-filters select[name=view]', 'open');
  await page.waitForFunction(() => document.querySelectorAll('#a-table tr.pick').length === 4);
  await page.click('#a-table tr.pick >> nth=0');
  await page.waitForSelector('#a-card form');
  await page.screenshot({ path: shots + '/crm-appeals.png' });
  // The refused save (no resolution) is the one failed request Chromium logs.
  const unexpected = errors.filter(e => !e.includes('422'));
  check(unexpected.length === 0, 'no script errors: ' + unexpected.join('; '));
  console.log('crm pages: ok');
} catch (e) {
  if (page) await page.screenshot({ path: shots + '/crm-failure.png' }).catch(() => {});
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}
