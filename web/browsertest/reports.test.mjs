// Reports in real Chromium, started by web/reports_browser_test.go on the
// demo federation. Every check waits for the report of the query it made
// (#stats-page[data-loaded] carries that query), never for the first
// thing on the page.
import { base, check, run, shoot, signIn } from './harness.mjs';

// loaded waits until the page shows the report of a query containing part.
async function loaded(page, part = '') {
  await page.waitForFunction(p => {
    const q = document.getElementById('stats-page').getAttribute('data-loaded');
    return q !== null && q.includes(p);
  }, part, { timeout: 30000 });
}

async function received(page) {
  const s = await page.locator('#totals [data-stat=received] b').textContent();
  return Number(s.replace(/\s/g, ''));
}

await run('reports', async (browser, current) => {
  const page = current.page = await signIn(browser, 'deputy', { dialogs: true });
  // The menu leads there.
  await page.click('nav.main summary:has-text("Обращения")');
  await page.click('nav.main details[open] a[href="/reports"]');
  await page.waitForURL(/\/reports$/);
  await loaded(page);
  const all = await received(page);
  check(all >= 100, 'weeks of history are counted: ' + all);
  check(await page.locator('#chart-heat rect.heat-cell').count() === 7 * 24, 'the heat map has 7 × 24 cells');
  check(await page.locator('#chart-hours rect').count() === 24, 'a bar per hour');
  check(await page.locator('#chart-weekdays rect').count() === 7, 'a bar per weekday');
  check(await page.locator('#timings tr[data-timing]').count() === 6,
    'six times: first response, wait, handling, resolution, and the first and the resolution in working time');
  // The lawyers' line works weekdays 9 to 18: its conversations of the
  // evenings and weekends waited fewer working hours than calendar ones,
  // so the means differ (a median need not move).
  const mean = async (key) => (await page.locator('#timings tr[data-timing=' + key + '] td').nth(1).textContent()).trim();
  check(await mean('resolution_work') !== await mean('resolution'),
    'the resolution in working time differs from the calendar one: ' + await mean('resolution_work') + ' / ' + await mean('resolution'));
  const avg = await page.locator('#rating-avg').textContent();
  check(/Средняя оценка: \d/.test(avg), 'the average rating: ' + avg);
  for (const id of ['lines', 'operators', 'kinds', 'channels', 'days']) {
    await page.locator('#table-' + id + ' table tr').nth(1).waitFor();
  }
  check(await page.locator('#table-operators tr').count() === 4, 'three operators answered: ' + await page.locator('#table-operators tr').count());
  check((await page.locator('#table-lines tr.total').textContent()).includes('Итого'), 'the lines table has its total');
  const head = await page.locator('#table-lines th').allTextContents();
  check(head.includes('Нарушений SLA') && head.includes('Решение, медиана, с') &&
    head.includes('Решение в рабочее время, медиана, с'), 'the columns: ' + head.join('|'));
  await shoot(page, 'reports', { fullPage: true });

  // A filter by operator narrows the report.
  const op = await page.locator('select[name=operator_id] option').nth(1).getAttribute('value');
  await page.selectOption('select[name=operator_id]', op);
  await page.click('#stats-form button.primary');
  await loaded(page, 'operator_id=' + op);
  const one = await received(page);
  check(one > 0 && one < all, `one operator's conversations: ${one} of ${all}`);
  check(await page.locator('#table-operators tr').count() === 2, 'one operator row');

  // The files: CSV of a table and the workbook, of the same query.
  const csvHref = await page.locator('#table-lines a.csv-link').getAttribute('href');
  check(csvHref.includes('table=lines') && csvHref.includes('operator_id=' + op), 'the CSV link: ' + csvHref);
  const csv = await page.request.get(base + csvHref);
  check(csv.ok() && (await csv.text()).startsWith('Линия,Поступило'), 'the lines CSV');
  const xlsx = await page.request.get(base + await page.locator('#export-xlsx').getAttribute('href'));
  const bytes = await xlsx.body();
  check(xlsx.ok() && bytes[0] === 0x50 && bytes[1] === 0x4b, 'the XLSX is a zip');

  // A preset sets the dates and the next report covers them.
  await page.selectOption('select[name=preset]', '7');
  await page.selectOption('select[name=operator_id]', '');
  await page.click('#stats-form button.primary');
  const from = await page.inputValue('input[name=from]');
  await loaded(page, 'from=' + from + '&');
  check(await page.locator('#table-days tr').count() === 1 + 7 + 1, '7 days and the total');
  check(page.errors.length === 0, 'no script errors: ' + page.errors.join('; '));

  // An operator has no reports in the menu; the console's link shows
  // their own figures on the same page.
  const opPage = current.page = await signIn(browser, 'operator1', { dialogs: true });
  check(await opPage.locator('nav.main a[href="/reports"]').count() === 0, 'no menu entry for an operator');
  const refused = await opPage.goto(base + '/reports');
  check(refused.status() === 403, 'an operator may not open /reports: ' + refused.status());
  await opPage.goto(base + '/inbox/stats');
  await loaded(opPage);
  await opPage.locator('#own-only:not([hidden])').waitFor();
  // Refusals are expected here: /reports itself, and the bot's figures,
  // which the page hides from those the server refuses.
  const errors = opPage.errors.filter(e => !e.includes('status of 403'));
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
});
