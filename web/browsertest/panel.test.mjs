// The console's side panel in real Chromium: a site visitor's pre-chat
// form shown to the operator with the member card that has the same
// phone, linked with one click; another visitor's proposal dismissed.
// Started by web/panel_browser_test.go.
import { base, check, env, phoneWidth, run, shots, signIn } from './harness.mjs';

async function openConversation(page, id) {
  await page.goto(base + '/inbox?c=' + encodeURIComponent(id));
  await page.waitForSelector('#crm-visitor:not([hidden])');
  await page.waitForSelector('#conv-fields:not([hidden])');
}

await run('panel', async (browser, current) => {
  const page = current.page = await signIn(browser, 'operator');
  await openConversation(page, env.CONV_LINK);
  const title = await page.locator('#crm-visitor-title').textContent();
  check(title === 'Из формы чата', 'the block heading: ' + title);
  const fields = await page.locator('#crm-visitor-fields').textContent();
  check(fields.includes('Имя') && fields.includes('Ирина Соколова') && fields.includes('Телефон') && fields.includes('+79225550101'),
    'the form as the visitor filled it: ' + fields);
  await page.waitForSelector('#crm-proposals:not([hidden])');
  const items = page.locator('#crm-proposal-list li');
  check(await items.count() === 1, 'one card proposed (not the other organisation\'s): ' + await items.count());
  const text = await items.first().textContent();
  check(text.includes('Соколова Ирина Павловна') && text.includes('совпал телефон') && text.includes('15.03.1984'), 'the proposal: ' + text);
  await page.locator('#contact').screenshot({ path: `${shots}/console-visitor-proposal.png` });
  await page.click('#crm-proposal-list li button.primary');
  await page.waitForSelector('#crm-member:not([hidden])');
  const card = await page.locator('#crm-member-link').textContent();
  check(card.includes('Соколова Ирина Павловна'), 'linked to: ' + card);
  check(await page.locator('#crm-proposals').isHidden(), 'no proposal once linked');
  await page.screenshot({ path: `${shots}/console-visitor-linked.png` });

  // The conversation's custom fields: typed inputs, the required one
  // enforced, each refusal in Russian beside its field.
  const ff = page.locator('#conv-fields');
  await ff.waitFor();
  check(await ff.locator('label').count() === 3, 'three conversation fields');
  await page.fill('#conv-fields input[name="custom.summa"]', 'пятнадцать тысяч');
  await page.click('#conv-fields-save');
  const tema = ff.locator('[data-field="custom.tema"] .field-error');
  await page.waitForFunction(() => document.querySelector('#conv-fields [data-field="custom.tema"] .field-error')?.textContent);
  check(await tema.textContent() === 'Заполните поле «Тема обращения»', 'the required field: ' + await tema.textContent());
  await page.selectOption('#conv-fields select[name="custom.tema"]', 'Материальная помощь');
  await page.click('#conv-fields-save');
  await page.waitForFunction(() => document.querySelector('#conv-fields [data-field="custom.summa"] .field-error')?.textContent);
  const summa = await ff.locator('[data-field="custom.summa"] .field-error').textContent();
  check(summa.startsWith('«Сумма помощи, ₽»: нужно число'), 'the number refused: ' + summa);
  await page.fill('#conv-fields input[name="custom.summa"]', '15 000');
  await page.fill('#conv-fields input[name="custom.perezvonit"]', '2026-12-21');
  await page.locator('#contact').screenshot({ path: `${shots}/console-conversation-fields.png` });
  await page.click('#conv-fields-save');
  await page.waitForSelector('.toast >> text=Поля разговора сохранены');
  await openConversation(page, env.CONV_LINK);
  await page.waitForFunction(() => document.querySelector('#conv-fields input[name="custom.summa"]')?.value === '15000');
  check(await page.inputValue('#conv-fields select[name="custom.tema"]') === 'Материальная помощь', 'the choice kept');
  check(await page.inputValue('#conv-fields input[name="custom.perezvonit"]') === '2026-12-21', 'the date kept');

  // The second visitor: "not them" removes the proposal for good.
  await openConversation(page, env.CONV_DISMISS);
  await page.waitForSelector('#crm-proposals:not([hidden])');
  await page.click('#crm-proposal-list li button:not(.primary)');
  await page.waitForSelector('#crm-proposals', { state: 'hidden' });
  await openConversation(page, env.CONV_DISMISS);
  await page.waitForTimeout(300);
  check(await page.locator('#crm-proposals').isHidden(), 'a dismissed card is not proposed again');

  // 390 px: the console as a phone shows it.
  const phone = current.page = await signIn(browser, 'operator', { viewport: { width: phoneWidth, height: 844 } });
  await phone.goto(base + '/inbox?c=' + encodeURIComponent(env.CONV_LINK));
  await phone.waitForSelector('#messages li');
  await phone.screenshot({ path: `${shots}/console-visitor-proposal-${phoneWidth}.png`, fullPage: true });
  check(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scroll at 390 px');
});
