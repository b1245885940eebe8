// The profile's Telegram link in real Chromium (started by
// web/telegram_browser_test.go): the chairman, not linked, gets a
// one-time code with the bot's deep link; the secretary, linked, sees her
// account and unlinks it. Desktop and 390 px, without sideways scrolling.
import { check, phoneWidth, run, shoot, signIn } from './harness.mjs';

async function noSidewaysScroll(page, what) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: phoneWidth, height: 844 });
  await page.waitForTimeout(200);
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize(size);
  check(over <= 0, `${what}: scrolls sideways by ${over}px at ${phoneWidth} px`);
}

await run('telegram', async (browser, current) => {
  const chair = current.page = await signIn(browser, 'chair', { path: '/profile' });
  const section = chair.locator('#notify-telegram');
  await chair.waitForSelector('#notify-telegram .tg-state p');
  check((await section.locator('.tg-state').textContent()).includes('не привязан'), 'the chairman has no account linked');
  await chair.click('#notify-telegram .tg-code');
  await chair.waitForSelector('#notify-telegram .tg-code-value');
  const code = (await section.locator('.tg-code-value').textContent()).trim();
  check(/^[A-Z2-9]{8}$/.test(code), 'a code of eight letters and digits: ' + code);
  const href = await section.locator('.tg-code-box a').getAttribute('href');
  check(href === 'https://t.me/union_test_bot?start=' + code, 'the deep link carries the code: ' + href);
  check((await section.locator('.tg-code-box a').textContent()) === 'Открыть @union_test_bot', 'the link names the bot');
  check((await section.textContent()).includes('10 минут'), 'the page says how long the code lives');
  await shoot(section, 'profile-telegram-code');
  await noSidewaysScroll(chair, 'profile with a code');
  // the Telegram column of the preferences is delivered now
  await chair.waitForSelector('#notify-prefs th.way');
  const heads = await chair.locator('#notify-prefs th.way').allTextContents();
  check(heads.some(h => h === 'Telegram'), 'Telegram is a way without "(скоро)": ' + heads.join(' | '));

  const sec = current.page = await signIn(browser, 'sec', { path: '/profile' });
  await sec.waitForSelector('#notify-telegram .tg-unlink:not([hidden])');
  const linked = await sec.locator('#notify-telegram .tg-state').textContent();
  check(linked.includes('Ирина Петрова @petrova') && linked.includes('@union_test_bot'), 'the secretary sees her account: ' + linked);
  await shoot(sec.locator('#notify-telegram'), 'profile-telegram-linked');
  await noSidewaysScroll(sec, 'profile with an account linked');
  await sec.click('#notify-telegram .tg-unlink');
  await sec.waitForFunction(() => document.querySelector('#notify-telegram .tg-state').textContent.includes('Аккаунт отвязан'));
  check(await sec.locator('#notify-telegram .tg-unlink').isHidden(), 'unlinked: no unlink button');
});
