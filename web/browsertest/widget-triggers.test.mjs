// The widget's proactive messages on the lines page, started by
// web/widget_triggers_browser_test.go on a hub the demo filled: the
// administrator opens the site widget's «Приглашения», adds one for the
// dues page, sees it listed, edits it off, and the dialog fits a phone.
import { check, env, phoneWidth, run, shoot, signIn } from './harness.mjs';

const T = { timeout: 30000 };
const text = 'Есть вопрос о членских взносах? Напишите нам — ответим в течение часа.';

await run('widget-triggers', async (browser, current) => {
  const admin = current.page = await signIn(browser, 'admin', { password: env.PROFHUB_ADMIN_PASSWORD, path: '/settings/lines', dialogs: true });
  await admin.waitForSelector('button.wt-open', T);
  await admin.locator('button.wt-open').first().click();
  await admin.waitForSelector('#wt-dialog[open]', T);
  await admin.fill('#wt-form input[name=url_pattern]', '/vznosy*');
  await admin.fill('#wt-form input[name=after_s]', '15');
  await admin.selectOption('#wt-form select[name=visitors]', 'new');
  await admin.fill('#wt-form input[name=sender_name]', 'Профсоюзный консультант');
  await admin.fill('#wt-form textarea[name=text]', text);
  await admin.click('#wt-form button.primary');
  const row = admin.locator('#wt-rows tr', { hasText: '/vznosy*' });
  await row.waitFor(T);
  const cells = await row.locator('td').allTextContents();
  check(cells[1].includes('15') && cells[2] === 'Новые' && cells[3].includes(text), 'the row lists it: ' + cells.join(' | '));
  // switched off: the row dims
  await row.locator('button', { hasText: 'Изменить' }).click();
  await admin.locator('#wt-form input[name=enabled]').uncheck();
  await admin.click('#wt-form button.primary');
  await admin.waitForSelector('#wt-rows tr.off', T);
  await shoot(admin, 'widget-triggers');
  await admin.setViewportSize({ width: phoneWidth, height: 844 });
  const fits = await admin.evaluate(() => {
    const d = document.getElementById('wt-dialog').getBoundingClientRect();
    return d.left >= 0 && d.right <= window.innerWidth;
  });
  check(fits, 'the dialog fits a 390 px screen; its table scrolls inside');
});
