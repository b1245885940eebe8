// Absences in real Chromium, started by web/absences_browser_test.go:
// an operator requests a vacation, the chairman approves it, and the
// operator is then offered nothing: a message to their line goes to the
// other operator, and the supervisor sees the absent one and the
// conversation they hold flagged. The
// administrator's production calendar page shows the years and refuses a
// broken file in Russian.
import { base, check, env, goOnline, run, shoot, signIn } from './harness.mjs';

async function post(contact, id, text) {
  const r = await fetch(`${base}/hooks/api/${env.PROFHUB_CHANNEL}/messages`, {
    method: 'POST',
    headers: { 'Authorization': 'Bearer ' + env.PROFHUB_CHANNEL_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ contact: { id: contact, name: contact }, message: { id, text } }),
  });
  check(r.status === 201, 'inbound message accepted, got ' + r.status);
  return r.json();
}

async function online(page) {
  await page.goto(base + '/inbox');
  await page.waitForSelector('#presence');
  await goOnline(page);
}

await run('absences', async (browser, current) => {
  // Both operators are on the line; op1 is first in the strict order.
  const op1 = current.page = await signIn(browser, 'op1', { path: '/absences' });
  await op1.waitForSelector('#abs-chart tr');

  // A request that ends before it starts: refused in Russian, nothing listed.
  await op1.selectOption('#abs-kind', 'vacation');
  await op1.fill('input[name=starts_on]', env.PROFHUB_TODAY);
  await op1.fill('input[name=ends_on]', env.PROFHUB_BEFORE);
  await op1.click('#abs-submit');
  await op1.waitForSelector('#abs-error:not([hidden])');
  const refusal = await op1.locator('#abs-error').textContent();
  check(refusal.includes('не может закончиться'), 'the refusal says why in Russian: ' + refusal);
  check(await op1.locator('#abs-mine li[data-id]').count() === 0, 'nothing was recorded');

  await op1.fill('input[name=ends_on]', env.PROFHUB_UNTIL);
  await op1.fill('input[name=comment]', 'Ежегодный оплачиваемый отпуск');
  await op1.click('#abs-submit');
  await op1.waitForSelector('#abs-mine li[data-id] >> text=Ждёт согласования');

  const op2 = await signIn(browser, 'op2');
  await online(op2);
  await online(op1);

  // Before the absence is approved, op1 is first in the strict order and
  // takes a conversation, which stays theirs.
  await post('Петров Иван', 'abs-0', 'Добрый день, нужна справка');
  const first = op1.locator('.offer', { hasText: 'Петров' });
  await first.waitFor({ timeout: 30000 });
  await first.locator('button.primary').click();
  await op1.waitForSelector('.msg-in .text >> text=нужна справка');

  // The chairman approves the request from the same page.
  const chair = await signIn(browser, 'chair', { path: '/absences' });
  const req = chair.locator('#abs-requests-list li', { hasText: 'Тест op1' });
  await req.waitFor();
  await req.locator('button.primary').click();
  await chair.waitForSelector('#abs-requests', { state: 'hidden' });
  await chair.waitForSelector('#abs-chart td.a-vacation');
  check(!(await chair.locator('#abs-chart td.a-vacation.requested').count()), 'the approved days are not drawn as a request');
  await shoot(chair, 'absences', { fullPage: true });

  // op1's open console says so at once: not "На линии" but the absence.
  await op1.waitForFunction(() => document.getElementById('presence').value === 'absent', null, { timeout: 30000 });
  const shown = await op1.locator('#presence option:checked').textContent();
  check(shown.startsWith('Отсутствует: отпуск до '), 'the console shows the absence: ' + shown);

  // A member writes: op1 is absent, so the strict order skips them.
  await post('Сидорова Мария', 'abs-1', 'Здравствуйте, вопрос по отпускным');
  const offer = op2.locator('.offer', { hasText: 'Сидорова' });
  await offer.waitFor({ timeout: 30000 });
  await op1.waitForTimeout(2500);
  check(await op1.locator('.offer').count() === 0, 'the absent operator got an offer');
  await offer.locator('button.primary').click();

  // The supervisor sees the absent operator flagged.
  await chair.goto(base + '/inbox/supervisor');
  await chair.waitForSelector('tr.absent .absent-flag');
  const flag = await chair.locator('tr.absent .absent-flag').first().textContent();
  check(flag.includes('Отпуск'), 'the flag names the absence: ' + flag);
  // op1's open conversation waits for the supervisor, flagged.
  const held = chair.locator('.sup-convs li.absent', { hasText: 'Петров' });
  await held.waitFor();
  check((await held.textContent()).includes('Оператор отсутствует: Тест op1'), 'the absent operator\'s conversation is flagged');
  check(await chair.locator('.sup-convs li.absent', { hasText: 'Сидорова' }).count() === 0, 'the present operator\'s is not');
  await shoot(chair, 'supervisor-absent');

  // The administrator's production calendar.
  const admin = await signIn(browser, 'admin', { password: env.PROFHUB_ADMIN_PASSWORD, path: '/admin/calendar' });
  await admin.waitForSelector('#wc-years tr[data-year="2026"]');
  await admin.waitForSelector('#wc-months .wc-month td.holiday');
  const y2027 = await admin.locator('#wc-years tr[data-year="2027"]').textContent();
  check(y2027.includes('предварительный'), '2027 is marked provisional: ' + y2027);
  await admin.fill('#wc-year', '2027');
  await admin.setInputFiles('#wc-file', { name: '2027.json', mimeType: 'application/json', buffer: Buffer.from('{"year": 2027, "holidays": [') });
  await admin.click('#wc-upload button.primary');
  await admin.waitForSelector('#wc-error:not([hidden])');
  const bad = await admin.locator('#wc-error').textContent();
  check(bad.includes('не читается'), 'a broken file is refused in Russian: ' + bad);
  await admin.evaluate(() => { document.getElementById('wc-upload').reset(); document.getElementById('wc-error').hidden = true; document.activeElement.blur(); });
  await shoot(admin, 'workcal', { fullPage: true });

  for (const p of [op1, op2, chair, admin]) {
    const errs = p.errors.filter(e => !e.includes('favicon') && !e.includes('status of 4'));
    check(errs.length === 0, 'no script errors: ' + JSON.stringify(errs));
  }
  console.log('absences e2e passed');
});
