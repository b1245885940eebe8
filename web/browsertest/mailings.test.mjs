// End-to-end test of the mailings page in real Chromium, started by
// mailing/browser_test.go: a secretary writes a campaign, counts its
// recipients, previews it, saves, starts it and watches it finish.
import { base, check, env, newPage, run, shoot, signInOn } from './harness.mjs';

await run('mailing', async (browser, current) => {
  const viewport = { width: 1280, height: 1000 };
  let page = current.page = await newPage(browser, { viewport });
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  await signInOn(page, 'secretary');
  await page.goto(base + '/mailings');
  await page.waitForSelector('#campaigns tr');
  check((await page.locator('#tracking').count()) === 0, 'only an administrator sees the tracking switch');
  await page.click('#new-campaign');
  await page.fill('input[name=name]', 'Приглашение на конференцию');
  await page.check('input[name=mode][value=html]'); // a letter in HTML code, as before the block editor
  const listOption = await page.locator('select[name=segment] option', { hasText: 'Список' }).first().getAttribute('value');
  await page.selectOption('select[name=segment]', listOption);
  await page.fill('input[name=subject]', 'Приглашение для {{.GivenName}}');
  await page.fill('textarea[name=html]', '<h1>Уважаемый(ая) {{.GivenName}} {{.Patronymic}}!</h1><p>Приглашаем вас на отчётно-выборную конференцию.</p>');
  check(await page.isHidden('textarea[name=sms]'), 'no SMS text for an e-mail campaign');
  await page.selectOption('select[name=channels]', 'email,sms');
  await page.fill('textarea[name=sms]', 'Приглашаем на конференцию 12 декабря');
  check((await page.textContent('#sms-info')).includes('1 частей'), 'SMS parts shown');
  await page.selectOption('select[name=channels]', 'email');
  await page.click('#count');
  await page.waitForFunction(() => document.getElementById('editor-msg').textContent.startsWith('Получателей: 5'));
  check((await page.textContent('#editor-msg')).includes('в списке исключений (отписались, недоставка, жалоба): 1'),
    'the count names the unsubscribed: ' + await page.textContent('#editor-msg'));
  await page.click('#preview');
  await page.waitForSelector('#preview-box:not([hidden])');
  check((await page.textContent('#preview-subject')) === 'Приглашение для Мария', 'preview subject with the sample name');
  check((await page.textContent('#preview-text')).includes('Отписаться'), 'text preview has the unsubscribe link');
  check(!(await page.textContent('#preview-text')).includes('SMS:'), 'no SMS preview once SMS is no longer chosen');
  check((await page.textContent('#preview-html h1')) === 'Уважаемый(ая) Мария Петровна!', 'HTML preview with the sample name');
  await page.waitForTimeout(300);
  await shoot(page, 'mailing-editor', { fullPage: true });
  await page.click('#editor button.primary');
  await page.waitForSelector('#results:not([hidden]) #results-actions button');
  await page.click('#results-actions button.primary'); // start
  await page.waitForFunction(() => document.getElementById('results-status').textContent.startsWith('завершена'), null, { timeout: 30000 });
  await page.waitForTimeout(600); // the progress bar's transition
  const sent = await page.textContent('#results-table tr:nth-child(2) td:nth-child(3)');
  check(sent === '5', 'five sent in the results table, got ' + sent);
  await shoot(page, 'mailing-results', { fullPage: true });

  // A Telegram campaign: the bot is chosen in the editor, the message
  // previewed as the member will read it, the result counted per channel.
  await page.click('#new-campaign');
  check(await page.isHidden('select[name=telegram]'), 'no bot choice for an e-mail campaign');
  await page.fill('input[name=name]', 'Собрание в Telegram');
  await page.selectOption('select[name=segment]', { index: 0 });
  await page.selectOption('select[name=channels]', 'telegram');
  check(await page.isVisible('select[name=telegram]'), 'the bot choice is shown for Telegram');
  check((await page.locator('select[name=telegram] option').count()) === 1, 'the hub\'s bot is offered');
  check(await page.isHidden('input[name=subject]'), 'no e-mail fields for a Telegram campaign');
  await page.fill('textarea[name=message]', 'Здравствуйте, {{.GivenName}}! <b>Собрание</b> в пятницу.');
  await page.click('#preview');
  await page.waitForFunction(() => document.getElementById('preview-message').textContent.includes('Собрание в пятницу'));
  check((await page.textContent('#preview-message')).includes('Здравствуйте, Мария! Собрание в пятницу.'), 'message preview');
  await page.click('#count');
  await page.waitForFunction(() => document.getElementById('editor-msg').textContent.startsWith('Получателей: 1 (telegram: 1)'));
  await shoot(page, 'mailing-telegram', { fullPage: true });
  await page.click('#editor button.primary');
  await page.waitForSelector('#results:not([hidden]) #results-actions button');
  check((await page.textContent('#results-name')) === 'Собрание в Telegram', 'the new campaign is shown');
  await page.click('#results-actions button.primary'); // start
  await page.waitForFunction(() => document.getElementById('results-status').textContent.startsWith('завершена'), null, { timeout: 30000 });
  check((await page.textContent('#results-table tr:nth-child(2) td:nth-child(1)')) === 'telegram', 'results per channel');
  check((await page.textContent('#results-table tr:nth-child(2) td:nth-child(3)')) === '1', 'one sent over Telegram');
  check(errors.length === 0, 'no console errors: ' + errors.join('; '));

  // The administrator turns open and click counting on; it stays on.
  page = current.page = await newPage(browser, { viewport });
  page.on('pageerror', e => errors.push(String(e)));
  await signInOn(page, env.PROFHUB_ADMIN_LOGIN);
  await page.goto(base + '/mailings');
  await page.waitForSelector('#campaigns tr');
  check(!(await page.isChecked('#tracking')), 'tracking is off by default');
  await page.check('#tracking');
  await page.waitForFunction(() => document.getElementById('tracking-msg').textContent === 'сохранено');
  await page.reload();
  await page.waitForFunction(() => document.getElementById('tracking').checked);
  await shoot(page, 'mailing-admin');
  check(errors.length === 0, 'no console errors for the administrator: ' + errors.join('; '));
  console.log('mailings page: ok');
});
