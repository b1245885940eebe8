// SMS in real Chromium, started by web/sms_browser_test.go. An operator
// writes first to a member by SMS from the card; the fake gateway gets it
// and answers as the member would; the answer shows in the console. Then a
// secretary writes a campaign's SMS with a variable picked from the list
// and previews it with the sample name; an unknown variable is refused
// naming it. Desktop, then 390 px.
import { base, check, env, phoneWidth, run, shoot, shots, signIn } from './harness.mjs';

async function writeBySMS(page, memberID, name, text, answer, shot) {
  await page.goto(base + '/members?id=' + encodeURIComponent(memberID));
  await page.waitForSelector('#m-write-form select[name=channel_id] option', { state: 'attached' });
  const option = await page.locator('#m-write-form select[name=channel_id] option').first().textContent();
  check(option.startsWith('SMS · SMS профкома · +7') && !option.includes('нет согласия'), 'the channel offered: ' + option);
  await page.fill('#m-write-form textarea[name=text]', text);
  if (shot) await shoot(page.locator('#m-card'), shot);
  await page.click('#m-write-send');
  await page.waitForURL(/\/inbox\?c=/, { timeout: 30000 });
  await page.waitForFunction(t => [...document.querySelectorAll('#messages li')].some(li => li.textContent.includes(t)), text, { timeout: 30000 });
  // The gateway answers as the member: the reply arrives live.
  await page.waitForFunction(t => [...document.querySelectorAll('#messages li')].some(li => li.textContent.includes(t)), answer, { timeout: 30000 });
  const title = await page.locator('#chat-title').textContent();
  check(title === name, 'the conversation is the member\'s, named as on the card, after the answer too: ' + title);
}

async function smsEditor(page, shot) {
  await page.goto(base + '/mailings');
  await page.waitForSelector('#campaigns');
  await page.click('#new-campaign');
  await page.selectOption('select[name=channels]', 'sms');
  await page.waitForSelector('#sms-var option[value="Имя"]', { state: 'attached' });
  await page.fill('textarea[name=sms]', 'Здравствуйте, ');
  await page.focus('textarea[name=sms]');
  await page.selectOption('#sms-var', 'Имя');
  await page.type('textarea[name=sms]', '! Собрание в пятницу.');
  const sms = await page.inputValue('textarea[name=sms]');
  check(sms === 'Здравствуйте, {{Имя}}! Собрание в пятницу.', 'the variable went in at the cursor: ' + sms);
  await page.click('#preview');
  await page.waitForFunction(() => document.getElementById('preview-sms').textContent === 'SMS: Здравствуйте, Мария! Собрание в пятницу.' && !document.getElementById('preview-sms').hidden, null, { timeout: 30000 });
  if (shot) await shoot(page, shot, { fullPage: true });
  await page.fill('textarea[name=sms]', 'Здравствуйте, {{Имечко}}!');
  await page.click('#preview');
  await page.waitForFunction(() => document.getElementById('editor-msg').textContent.includes('«Имечко»'), null, { timeout: 30000 });
  const refusal = await page.textContent('#editor-msg');
  check(refusal.startsWith('Неизвестная переменная «Имечко»'), 'the unknown variable is named: ' + refusal);
}

await run('sms', async (browser, current) => {
  const page = current.page = await signIn(browser, 'operator');
  await writeBySMS(page, env.MEMBER_DESKTOP, 'Егорова Ольга', 'Ольга, добрый день! Путёвка в санаторий одобрена.', 'Спасибо! Когда забрать путёвку?', '');
  await page.screenshot({ path: `${shots}/sms-conversation.png` });

  const phone = current.page = await signIn(browser, 'operator', { viewport: { width: phoneWidth, height: 844 } });
  await writeBySMS(phone, env.MEMBER_PHONE, 'Лебедев Артём', 'Артём, добрый день! Билеты на ёлку готовы.', 'Спасибо! Когда забрать билеты?', '');
  check(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scroll at 390 px (console)');
  await phone.screenshot({ path: `${shots}/sms-conversation-phone.png` });

  const sec = current.page = await signIn(browser, 'secretary');
  await smsEditor(sec, 'sms-editor-vars');
  const secPhone = current.page = await signIn(browser, 'secretary', { viewport: { width: phoneWidth, height: 844 } });
  await smsEditor(secPhone, '');
  check(await secPhone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scroll at 390 px (editor)');
  await secPhone.screenshot({ path: `${shots}/sms-editor-vars-phone.png`, fullPage: true });
});
