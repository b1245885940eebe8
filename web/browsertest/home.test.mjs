// The home page of each role and the bell, in real Chromium, on a hub the
// demo filled (started by web/home_browser_test.go). Each role's page
// shows its sections with items that open where they are acted on, at
// desktop width and at 390 px without sideways scrolling. Then the bell:
// the secretary sends a letter for resolution, the chairman's bell count
// rises without a reload, and the notice opens the document.
import { base, check, env, phoneWidth, run, shoot, signIn } from './harness.mjs';

const roles = [
  { login: 'operator1', role: 'operator', shot: 'home-operator', sections: ['my_conversations', 'queue', 'tasks_due'] },
  { login: 'secretary', role: 'secretary', shot: 'home-secretary', sections: ['to_register', 'deadlines', 'in_progress'] },
  { login: 'chairman', role: 'chairman', shot: 'home-chairman', sections: ['to_decide', 'appeals_overdue', 'week'] },
  { login: 'admin', role: 'administrator', shot: 'home-admin', sections: ['channels', 'queues', 'last_errors'], password: env.PROFHUB_ADMIN_PASSWORD },
];

async function noSidewaysScroll(page, what) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: phoneWidth, height: 844 });
  await page.waitForTimeout(200);
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize(size);
  check(over <= 0, `${what}: scrolls sideways by ${over}px at ${phoneWidth} px`);
}

async function homeOf(browser, r) {
  const page = await signIn(browser, r.login, { password: r.password || env.PROFHUB_PASSWORD, viewport: { width: 1366, height: 900 } });
  await page.waitForSelector('#home[aria-busy=false]');
  check(await page.getAttribute('#home', 'data-role') === r.role, `${r.login} sees the ${r.role}'s page`);
  for (const s of r.sections) check(await page.locator('#home-' + s).count() === 1, `${r.login}: section ${s}`);
  const items = await page.locator('#home .home-items a, #home table.figures td a, #home table.figures td').count();
  check(items > 0, `${r.login}: the demo left something on the page`);
  return page;
}

await run('home', async (browser, current) => {
  for (const r of roles) {
    const page = current.page = await homeOf(browser, r);
    await shoot(page, r.shot, { fullPage: true });
    await noSidewaysScroll(page, r.shot);
    // an item opens where it is acted on
    const first = page.locator('#home .home-items a').first();
    if (await first.count()) {
      const href = await first.getAttribute('href');
      check(/^\/(inbox|documents|appeals|mailings|settings|members)/.test(href), `${r.login}: item link ${href}`);
    }
    await page.context().close();
  }

  // The bell: the chairman watches; the secretary sends a letter.
  const chair = current.page = await homeOf(browser, roles[2]);
  await chair.waitForFunction(() => document.getElementById('bell').hasAttribute('data-count'));
  const before = Number(await chair.getAttribute('#bell', 'data-count'));
  check(before > 0, 'the demo rang the chairman\'s bell');
  check(await chair.locator('.bell-count').isVisible(), 'the count is shown');

  // a second tab of the chairman's hears it through the first tab's stream
  const chair2 = await chair.context().newPage();
  await chair2.goto(base + '/');
  await chair2.waitForFunction(n => document.getElementById('bell').getAttribute('data-count') === String(n), before);
  const sec = await signIn(browser, 'secretary');
  const doc = await sec.evaluate(async () => {
    const me = await (await fetch('/api/v1/me')).json();
    const r = await fetch('/api/v1/workflow/documents', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ kind: 'incoming', title: 'Запрос прокуратуры о нарушениях охраны труда' }) });
    return r.json();
  });
  check(doc.id, 'registered: ' + JSON.stringify(doc));
  await chair.waitForFunction(n => Number(document.getElementById('bell').getAttribute('data-count')) === n + 1, before, { timeout: 15000 });
  await chair2.waitForFunction(n => document.getElementById('bell').getAttribute('data-count') === String(n + 1), before, { timeout: 15000 });
  await chair2.close();
  // the home page follows the bell: the new letter waits for the resolution
  await chair.waitForSelector(`#home-to_decide a[href="/documents#doc/${doc.id}"]`, { timeout: 15000 });

  await chair.click('.bell-button');
  const item = chair.locator(`.bell-list a[href="/documents#doc/${doc.id}"]`);
  await item.waitFor();
  check(await item.locator('.kind').textContent() === 'Документ на резолюцию', 'the notice says what is asked');
  await shoot(chair.locator('header.top'), 'notifications-header');
  await chair.screenshot({ path: `${env.PROFHUB_SHOTS}/notifications.png` });
  // on a phone: opened there, the list spans the screen under the bell's row
  await chair.keyboard.press('Escape');
  await chair.setViewportSize({ width: phoneWidth, height: 844 });
  await chair.click('.bell-button');
  await item.waitFor();
  await chair.waitForTimeout(200);
  const menuTop = await chair.evaluate(() => document.querySelector('.bell-menu').getBoundingClientRect().top);
  const bellBottom = await chair.evaluate(() => document.querySelector('.bell-button').getBoundingClientRect().bottom);
  check(menuTop >= bellBottom, `the list (top ${menuTop}) covers the bell (bottom ${bellBottom})`);
  await chair.screenshot({ path: `${env.PROFHUB_SHOTS}/notifications-390.png` });
  const over = await chair.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(over <= 0, `the open bell scrolls sideways by ${over}px at 390 px`);
  await chair.setViewportSize({ width: 1366, height: 900 });
  await item.click();
  await chair.waitForURL(base + '/documents#doc/' + doc.id);
  await chair.waitForSelector('#doc-card h1');
  check((await chair.locator('#doc-card h1').textContent()).includes('Запрос прокуратуры'), 'the notice opened the document');
  await chair.waitForFunction(n => document.getElementById('bell').getAttribute('data-count') === String(n), before, { timeout: 10000 });

  // read all empties the count
  await chair.click('.bell-button');
  await chair.click('.bell-read-all');
  await chair.waitForFunction(() => document.getElementById('bell').getAttribute('data-count') === '0');
  check(await chair.locator('.bell-count').isHidden(), 'no count once all are read');
  check(chair.errors.length === 0, 'no script errors: ' + chair.errors.join('; '));

  // preferences on the profile page
  await chair.goto(base + '/profile');
  await chair.waitForSelector('#notify-prefs tbody tr');
  const kinds = await chair.locator('#notify-prefs tbody tr').count();
  check(kinds >= 8, 'the chairman chooses for ' + kinds + ' kinds');
  check(await chair.locator('#notify-prefs tr[data-kind=channel_failing]').count() === 0, 'channel failures are the administrators\'');
  await chair.uncheck('#notify-prefs tr[data-kind=document_resolution] input[name=email]');
  await chair.click('#notify-prefs button.primary');
  await chair.waitForSelector('#notify-prefs .status:has-text("Сохранено")');
  await chair.reload();
  await chair.waitForSelector('#notify-prefs tbody tr');
  check(!(await chair.isChecked('#notify-prefs tr[data-kind=document_resolution] input[name=email]')), 'the choice is kept');
  await shoot(chair.locator('#notify-prefs'), 'notifications-preferences');
});
