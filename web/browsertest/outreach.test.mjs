// An operator writes first to a member from the card, in real Chromium:
// the card offers the member's Telegram chat (with consent), she writes,
// sends, and lands in the console on the new conversation, hers, with her
// message in it. Desktop, then 390 px for a second member. Started by
// web/outreach_browser_test.go.
import { base, check, env, phoneWidth, run, shoot, shots, signIn } from './harness.mjs';

const cyrillicOnly = s => !/[A-Za-z]{3,}/.test(s.replace(/Telegram/g, ''));

async function writeFirst(page, memberID, text, shot) {
  await page.goto(base + '/members?id=' + encodeURIComponent(memberID));
  await page.waitForSelector('#m-write-form select[name=channel_id] option', { state: 'attached' });
  const option = await page.locator('#m-write-form select[name=channel_id] option').first().textContent();
  check(option.includes('Telegram') && option.includes('Бот профкома') && !option.includes('нет согласия'), 'the channel offered: ' + option);
  const heading = await page.locator('#m-write h3').textContent();
  check(heading === 'Написать участнику' && cyrillicOnly(heading), 'the section heading: ' + heading);
  // Sending nothing is refused in Russian, beside the form.
  await page.click('#m-write-send');
  await page.waitForFunction(() => document.querySelector('#m-write-form [data-field=text] .field-error')?.textContent);
  const empty = await page.locator('#m-write-form [data-field=text] .field-error').textContent();
  check(empty === 'Введите текст сообщения', 'the empty message is refused: ' + empty);
  await page.fill('#m-write-form textarea[name=text]', text);
  if (shot) await shoot(page.locator('#m-card'), shot);
  await page.click('#m-write-send');
  await page.waitForURL(/\/inbox\?c=/);
  await page.waitForFunction(t => [...document.querySelectorAll('#messages li')].some(li => li.textContent.includes(t)), text);
  const title = await page.locator('#chat-title').textContent();
  check(title.length > 0, 'the console shows the conversation: ' + title);
  check(await page.locator('#act-take').isHidden(), 'the conversation is already hers (no "take")');
}

await run('outreach', async (browser, current) => {
  const page = current.page = await signIn(browser, 'operator');
  await writeFirst(page, env.MEMBER_DESKTOP, 'Марина, добрый день! Ваше заявление на материальную помощь готово.', 'crm-outbound');
  await page.screenshot({ path: `${shots}/crm-outbound-console.png` });

  const phone = current.page = await signIn(browser, 'operator', { viewport: { width: phoneWidth, height: 844 } });
  await writeFirst(phone, env.MEMBER_PHONE, 'Артём, добрый день! Зайдите за билетами.', '');
  check(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scroll at 390 px');
});
