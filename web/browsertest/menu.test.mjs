// The header's grouped menu in real Chromium, started by
// web/menu_browser_test.go.
import { base, check, run, shots, signIn } from './harness.mjs';

// oneLine reports the header's items that stand below the first one.
const oneLine = page => page.evaluate(() => {
  const items = [...document.querySelectorAll('header.top .brand, nav.main > a, nav.main > details > summary, header.top .me > *')]
    .filter(e => e.getClientRects().length > 0);
  const top = items[0].getBoundingClientRect().top;
  return items.filter(e => Math.abs(e.getBoundingClientRect().top - top) > 12).map(e => e.textContent.trim() || e.className);
});
const opened = page => page.evaluate(() => [...document.querySelectorAll('nav.main details[open] > summary')].map(s => s.textContent.trim()));

await run('menu', async (browser, current) => {
  for (const [login, role] of [['chairman', 'chairman'], ['secretary', 'secretary'], ['operator1', 'operator'], ['menu.admin', 'admin']]) {
    const page = current.page = await signIn(browser, login);
    const below = await oneLine(page);
    check(below.length === 0, `${login}: the header wraps at 1366 px: ${JSON.stringify(below)}`);
    // Mouse: the staff's group opens below its title, its entries lead on.
    await page.click('nav.main summary:has-text("Сотрудники")');
    await page.waitForSelector('nav.main details[open] a[href="/calendar"]', { state: 'visible' });
    await page.screenshot({ path: `${shots}/menu-${role}.png` });
    await page.close();
  }

  // Keyboard: Enter opens, the arrows walk, Escape closes back onto the title.
  const sec = current.page = await signIn(browser, 'secretary');
  check(JSON.stringify(await sec.locator('nav.main > a, nav.main > details > summary').allTextContents()) ===
    JSON.stringify(['Обращения', 'Члены профсоюза', 'Документы', 'Рассылки', 'Сотрудники', 'Настройки']),
  'the secretary\'s groups: ' + JSON.stringify(await sec.locator('nav.main > a, nav.main > details > summary').allTextContents()));
  await sec.focus('nav.main summary:has-text("Обращения")');
  await sec.keyboard.press('Enter');
  await sec.waitForSelector('nav.main a[href="/inbox"]', { state: 'visible' });
  await sec.keyboard.press('ArrowDown');
  check(await sec.evaluate(() => document.activeElement.getAttribute('href')) === '/inbox', 'ArrowDown goes to the first entry');
  await sec.keyboard.press('ArrowDown');
  check(await sec.evaluate(() => document.activeElement.getAttribute('href')) === '/appeals', 'ArrowDown goes to the next entry');
  await sec.keyboard.press('Escape');
  check((await opened(sec)).length === 0, 'Escape closes the group');
  check(await sec.evaluate(() => document.activeElement.textContent.trim()) === 'Обращения', 'Escape leaves the focus on the title');
  // One open group closes another; a click elsewhere closes it.
  await sec.click('nav.main summary:has-text("Обращения")');
  await sec.click('nav.main summary:has-text("Члены профсоюза")');
  check(JSON.stringify(await opened(sec)) === '["Члены профсоюза"]', 'one group open at a time: ' + JSON.stringify(await opened(sec)));
  await sec.click('main');
  check((await opened(sec)).length === 0, 'a click elsewhere closes the group');
  // An entry leads to its page, whose group is marked.
  await sec.click('nav.main summary:has-text("Члены профсоюза")');
  await sec.click('nav.main a[href="/lists"]');
  await sec.waitForURL(base + '/lists');
  check(await sec.locator('nav.main details.on > summary').textContent() === 'Члены профсоюза', 'the page\'s group is marked');
  check(sec.errors.length === 0, 'no script errors: ' + JSON.stringify(sec.errors));

  // A phone: the menu button shows the groups open, headings over their entries.
  const op = current.page = await signIn(browser, 'operator1', { viewport: { width: 390, height: 844 } });
  check(!(await op.isVisible('nav.main')), 'the sections are folded on a phone');
  await op.click('.menu-toggle');
  await op.waitForSelector('nav.main a[href="/absences"]', { state: 'visible' });
  const wide = await op.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 390, `the open menu is ${wide} px wide on a 390 px phone`);
  await op.screenshot({ path: `${shots}/menu-390.png`, fullPage: true });
  await op.click('nav.main a[href="/calendar"]');
  await op.waitForURL(base + '/calendar');
  check(op.errors.length === 0, 'no script errors: ' + JSON.stringify(op.errors));
});
