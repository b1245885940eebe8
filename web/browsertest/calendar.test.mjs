// The staff calendar in real Chromium: a secretary schedules a plenum in
// the federation's calendar and invites an employee; the plenum shows in
// the month view; the employee opens it and answers "Приду"; on a phone
// the calendar opens as a list. Started by web/calendar_browser_test.go.
import { check, run, shoot, signIn, phoneWidth } from './harness.mjs';

await run('calendar', async (browser, current) => {
  const sec = current.page = await signIn(browser, 'secretary', { path: '/calendar' });
  await sec.waitForSelector('.cal-grid .cal-cell');
  check(await sec.locator('nav.main a[href="/calendar"]').count() === 1, 'the menu has the calendar');

  await sec.click('#cal-new');
  await sec.selectOption('#cal-form select[name=calendar_id]', { label: 'Календарь федерации' });
  await sec.selectOption('#cal-form select[name=kind]', 'plenum');
  await sec.fill('#cal-form input[name=title]', 'Пленум обкома: итоги года');
  await sec.fill('#cal-form input[name=place]', 'Дом профсоюзов, большой зал');
  const day = new Date().toISOString().slice(0, 8) + '15';
  await sec.fill('#cal-form input[name=start]', day + 'T10:00');
  await sec.fill('#cal-form input[name=end]', day + 'T13:00');
  await sec.fill('#cal-find-staff', 'Иван');
  await sec.click('#cal-found button >> text=Иванов Сергей Петрович');
  check(await sec.locator('#cal-chosen .cal-chip-person').count() === 1, 'one invitee chosen');

  // An end before the start is refused with the server's Russian message.
  await sec.fill('#cal-form input[name=end]', day + 'T09:00');
  await sec.click('#cal-save');
  await sec.waitForSelector('#cal-form-msg >> text=заканчивается раньше');
  await sec.fill('#cal-form input[name=end]', day + 'T13:00');
  await sec.click('#cal-save');
  await sec.waitForSelector('#cal-event h2 >> text=Пленум обкома');
  await sec.waitForSelector('.cal-grid .cal-chip >> text=Пленум обкома');
  check((await sec.locator('#cal-event').textContent()).includes('Иванов Сергей Петрович — ещё не ответил(а)'), 'the invitee has not answered yet');
  await sec.click('#cal-event button >> text=Закрыть');
  await sec.evaluate(() => window.scrollTo(0, 0));
  await shoot(sec, 'calendar-month');

  // The employee sees the plenum and accepts it.
  const iv = await signIn(browser, 'ivanov', { path: '/calendar' });
  current.page = iv;
  await iv.click('.cal-grid .cal-chip >> text=Пленум обкома');
  await iv.click('#cal-event button >> text=Приду');
  await iv.waitForSelector('#cal-event li.cal-st-accepted >> text=Иванов Сергей Петрович — придёт');
  check(await iv.locator('#cal-event button >> text=Изменить').count() === 0, 'an executor cannot edit the federation\'s plenum');
  await shoot(iv.locator('#cal-event'), 'calendar-event');

  // On a phone the calendar opens as a list.
  const phone = await signIn(browser, 'secretary', { path: '/calendar', viewport: { width: phoneWidth, height: 800 } });
  current.page = phone;
  await phone.waitForSelector('.cal-list');
  await phone.click('#cal-today');
  await phone.waitForSelector('.cal-list .cal-daybox');
  await phone.screenshot({ path: (process.env.PROFHUB_SHOTS || 'screenshots') + '/calendar-phone-list.png', fullPage: true });

  for (const p of [sec, iv, phone]) {
    // The refused form (end before start) is the one expected 422.
    const errs = p.errors.filter(e => !e.includes('favicon') && !(p === sec && e.includes('422')));
    check(errs.length === 0, 'no console errors or dialogs: ' + JSON.stringify(errs));
  }
  console.log('calendar e2e passed');
});
