// Working time in real Chromium, started by web/worktime_browser_test.go:
// an operator starts and ends the day from the header's control, the
// chairman opens the unit's time sheet, corrects the operator's today
// with a reason, and the sheet shows the cell marked with it on hover.
import { check, env, run, shoot, signIn } from './harness.mjs';

await run('worktime', async (browser, current) => {
  const op = current.page = await signIn(browser, 'op1');
  const clock = op.locator('#clock');
  await clock.locator('.clock-go', { hasText: 'Начать день' }).click();
  await op.waitForSelector('#clock[data-state=working]');
  check((await clock.locator('.clock-state').textContent()).startsWith('Работаю'), 'working: ' + await clock.textContent());
  await clock.locator('.clock-go', { hasText: 'Пауза' }).click();
  await op.waitForSelector('#clock[data-state=paused]');
  await clock.locator('.clock-end', { hasText: 'Завершить день' }).click();
  await op.waitForSelector('#clock[data-state=ended]');
  check(await clock.locator('.clock-go').isHidden(), 'an ended day offers no start');
  check((await clock.locator('.clock-state').textContent()).startsWith('Завершён · 0 ч'), 'ended: ' + await clock.textContent());

  // The chairman: the unit's sheet, the operator's today corrected.
  const chair = current.page = await signIn(browser, 'chair', { path: '/worktime' });
  await chair.waitForSelector('#wt-sheet tr td.name');
  check((await chair.locator('#wt-norm').textContent()).includes('Норма месяца'), 'the norm is shown');
  const row = chair.locator('#wt-sheet tr', { has: chair.locator('td.name', { hasText: 'Тест op1' }) });
  const cell = row.locator(`td[data-day="${env.PROFHUB_TODAY}"]`);
  await cell.click();
  await chair.waitForSelector('#wt-form:not([hidden])');
  // no reason: the browser's own check stops it; a blank one, the server
  await chair.fill('#wt-form input[name=hours]', '8');
  await chair.fill('#wt-form input[name=reason]', '   ');
  await chair.click('#wt-form button.primary');
  await chair.waitForSelector('#wt-form-error:not([hidden])');
  const refusal = await chair.locator('#wt-form-error').textContent();
  check(refusal.includes('Укажите причину'), 'a blank reason is refused in Russian: ' + refusal);
  await chair.fill('#wt-form input[name=reason]', 'Выездной приём граждан, отметка не сделана');
  await chair.click('#wt-form button.primary');
  await chair.waitForSelector('#wt-form', { state: 'hidden' });
  const fixed = row.locator(`td.fixed[data-day="${env.PROFHUB_TODAY}"]`);
  await fixed.waitFor();
  check((await fixed.textContent()) === '8', 'the corrected cell shows 8: ' + await fixed.textContent());
  const title = await fixed.getAttribute('title');
  check(title.includes('Выездной приём граждан') && title.includes('было 0 ч'), 'the reason on hover: ' + title);
  await fixed.hover();
  await shoot(chair, 'worktime-sheet');
});
