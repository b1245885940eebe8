// The staff calendar in real Chromium: a secretary schedules a plenum in
// the federation's calendar and invites an employee; the plenum shows in
// the month view and in the week's and the day's hourly grid at its hours;
// the employee opens it and answers "Приду"; on a phone the calendar
// opens as a list, and the week as day blocks. Started by web/calendar_browser_test.go.
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

  // The week and the day as an hourly grid: the plenum stands from 10:00
  // to 13:00 (48 px an hour), in the week of the 15th.
  await sec.click('.cal-views button[data-view="week"]');
  await sec.waitForSelector('.cal-hours .cal-hcol');
  const monday = d => { const x = new Date(d.getFullYear(), d.getMonth(), d.getDate()); x.setDate(x.getDate() - (x.getDay() + 6) % 7); return x; };
  const weeks = Math.round((monday(new Date(day + 'T12:00:00')) - monday(new Date())) / (7 * 864e5));
  for (let i = 0; i < Math.abs(weeks); i++) await sec.click(weeks > 0 ? '#cal-next' : '#cal-prev');
  const ev = sec.locator('.cal-hcol[data-day="' + day + '"] .cal-hevent', { hasText: 'Пленум обкома' });
  await ev.waitFor({ timeout: 30000 });
  const box = await ev.evaluate(e => ({ top: e.offsetTop, height: e.offsetHeight }));
  check(box.top === 480 && box.height >= 140 && box.height <= 144, 'the plenum is placed 10:00–13:00: ' + JSON.stringify(box));
  check(await sec.locator('.cal-hcol').count() === 7, 'a week has seven columns');
  await sec.evaluate(() => window.scrollTo(0, 0));
  await sec.screenshot({ path: (process.env.PROFHUB_SHOTS || 'screenshots') + '/calendar-week.png' });
  await sec.click('.cal-hday button >> text=' + day.slice(8, 10) + '.' + day.slice(5, 7));
  await sec.waitForFunction(() => document.querySelectorAll('.cal-hcol').length === 1);
  check(await sec.locator('.cal-hcol[data-day="' + day + '"] .cal-hevent', { hasText: 'Пленум обкома' }).count() === 1, 'the day view shows the plenum');
  await sec.screenshot({ path: (process.env.PROFHUB_SHOTS || 'screenshots') + '/calendar-day.png' });

  // The members' birthdays, asked for: a member of the secretary's scope
  // born on the 15th, whose chip opens the card.
  await sec.check('#cal-members-bd');
  const bd = sec.locator('.cal-hallday a.cal-member-bd', { hasText: 'Жукова Ольга' });
  await bd.waitFor({ timeout: 30000 });
  check((await bd.getAttribute('href')).startsWith('/members?id='), 'the birthday leads to the member\'s card');
  await sec.evaluate(() => window.scrollTo(0, 0));
  await sec.screenshot({ path: (process.env.PROFHUB_SHOTS || 'screenshots') + '/calendar-day-birthdays.png' });
  await sec.uncheck('#cal-members-bd');
  await sec.waitForSelector('a.cal-member-bd', { state: 'detached' });

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
  // The week on a phone is day blocks, not the hourly grid.
  await phone.click('.cal-views button[data-view="week"]');
  await phone.waitForSelector('.cal-week .cal-daybox');
  check(await phone.locator('.cal-hours').count() === 0, 'no hourly grid at 390 px');
  const wide = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 390, 'the week fits the phone: ' + wide);

  for (const p of [sec, iv, phone]) {
    // The refused form (end before start) is the one expected 422.
    const errs = p.errors.filter(e => !e.includes('favicon') && !(p === sec && e.includes('422')));
    check(errs.length === 0, 'no console errors or dialogs: ' + JSON.stringify(errs));
  }
  console.log('calendar e2e passed');
});
