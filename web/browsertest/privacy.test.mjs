// Personal data in real Chromium, started by web/privacy_browser_test.go:
// the chairman opens a member's card, reads the subject report, is asked
// to choose about the open appeal before anonymising, anonymises, and
// finds the card's reads in the access log with full names.
import { check, run, shoot, signIn, base } from './harness.mjs';

await run('privacy', async (browser, current) => {
  const chair = current.page = await signIn(browser, 'chair', { path: '/members' });
  await chair.waitForSelector('#m-table tr.pick');
  await chair.click('#m-table tr.pick:has-text("Белова")');
  await chair.waitForSelector('#m-pd-report', { timeout: 30000 });
  check((await chair.locator('#m-privacy h3').textContent()) === 'Персональные данные', 'the card has its personal data part');

  // The report: a printable page with every part.
  const [report] = await Promise.all([chair.context().waitForEvent('page'), chair.click('#m-pd-report')]);
  await report.waitForLoadState();
  const text = await report.locator('body').textContent();
  check(text.includes('Отчёт субъекту персональных данных') && text.includes('Белова Анна Сергеевна'), 'the report names the member');
  check(text.includes('Перерасчёт отпускных') && text.includes('Реестр согласий') && text.includes('Кто обращался к данным'), 'the report has the appeal, the consents and the access log');
  await report.close();

  // Anonymisation: the open appeal needs the explicit choice.
  await chair.click('#m-pd-erase');
  await chair.waitForSelector('form.pd-erase');
  check(await chair.locator('form.pd-erase label.pd-keep').isVisible(), 'the open appeal is offered as a choice');
  await chair.fill('form.pd-erase input[name=note]', 'Заявление № 14 от 01.12.2026');
  await chair.click('form.pd-erase button.danger');
  await chair.waitForSelector('form.pd-erase p.error:not([hidden])');
  const refusal = await chair.locator('form.pd-erase p.error').textContent();
  check(refusal.includes('незакрытые обращения'), 'without the choice the server refuses in Russian: ' + refusal);
  await shoot(chair.locator('#m-card'), 'privacy-card');
  await chair.check('form.pd-erase input[name=open_appeals]');
  await chair.click('form.pd-erase button.danger');
  await chair.waitForSelector('#m-privacy p.muted:has-text("Данные обезличены")', { timeout: 30000 });
  const card = await chair.locator('#m-card').textContent();
  check(!card.includes('Белова') && !card.includes('+7 922'), 'the card keeps nothing of the person: ' + card.slice(0, 300));

  // The access log: the card's reads, by the chairman's full name.
  await chair.goto(base + '/admin/privacy');
  await chair.waitForSelector('#pd-access-rows tr td.when', { timeout: 30000 });
  const log = await chair.locator('#pd-access-rows').textContent();
  check(log.includes('Открыл карточку') && log.includes('Тест chair') && log.includes('Сформировал отчёт субъекту ПДн'), 'the access log: ' + log.slice(0, 400));
  await shoot(chair, 'privacy-access', { fullPage: true });
  await chair.click('a[data-tab=consents]');
  await chair.waitForSelector('#pd-consent-rows tr td.when');
  const reg = await chair.locator('#pd-consent-rows').textContent();
  check(reg.includes('Обработка персональных данных') && reg.includes('Дано'), 'the register: ' + reg.slice(0, 300));
  await shoot(chair, 'privacy-consents', { fullPage: true });
});
