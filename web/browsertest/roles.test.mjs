// Roles, language and time in real Chromium, started by
// web/roles_browser_test.go:
//   - an operator's menu has no "Рассылки", every page it shows opens
//     without one refused API call, and /mailings itself says in Russian
//     that it is not theirs;
//   - every JSON error any page receives is recorded, and one in English
//     fails the test; a refusal the secretary provokes is shown in Russian;
//   - the documents page and the inbox write the same instant the same way,
//     in the installation's zone (Orenburg, UTC+5) whatever the browser's
//     own zone, and in the user's own zone once they choose one.
import { base, check, run, shoot, signIn } from './harness.mjs';

// English words in a message: Latin-script words other than the names of
// formats and products (the Go side's i18n.EnglishWords, in short).
const names = new Set(['e', 'mail', 'sms', 'telegram', 'vk', 'pdf', 'png', 'jpeg', 'webp', 'xlsx', 'xls', 'csv', 'utf',
  'windows', 'excel', 'json', 'tls', 'smtp', 'imap', 'api', 'url', 'http', 'https', 's', 'html', 'id', 'totp']);
function englishWords(s) {
  return String(s).replace(/«[^»]*»/g, '«»').split(/\s+/).map(t => t.replace(/^[«»()[\],.;:!?"'—…]+|[«»()[\],.;:!?"'—…]+$/g, ''))
    .filter(t => !/[_@=/:{}.]/.test(t))
    .flatMap(t => t.split(/[^A-Za-z]+/)).filter(w => w && !names.has(w.toLowerCase()));
}

// recordErrors keeps every JSON error answer the page receives.
function recordErrors(page) {
  page.apiErrors = [];
  page.on('response', async r => {
    if (r.status() < 400 || !r.url().startsWith(base + '/api/')) return;
    let body = null;
    try { body = await r.json(); } catch (e) { body = { error: { code: 'not-json', message: String(r.status()) } }; }
    page.apiErrors.push({ url: r.url(), status: r.status(), code: body.error && body.error.code, message: body.error && body.error.message });
  });
  return page;
}

function noEnglish(errors) {
  for (const e of errors) {
    const w = englishWords(e.message || '');
    check(e.message && w.length === 0, `English in the Russian UI from ${e.url}: ${JSON.stringify(e)}`);
  }
}

const menuOf = page => page.locator('nav.main a').allTextContents();

await run('roles', async (browser, current) => {
  // The operator: a menu of what opens, and nothing refused on the way.
  const op = current.page = recordErrors(await signIn(browser, 'op1'));
  const menu = await menuOf(op);
  check(JSON.stringify(menu) === JSON.stringify(['Открытые линии', 'Обращения', 'Члены профсоюза', 'Списки', 'Документы', 'Лента', 'Задачи', 'Чаты', 'Календарь', 'Отсутствия', 'Настройки']),
    'the operator\'s menu: ' + JSON.stringify(menu));
  check(await op.locator('a.tile[href="/mailings"]').count() === 0, 'no mailings tile on the home page');
  await shoot(op, 'roles-operator-menu');
  for (const href of await op.locator('nav.main a').evaluateAll(as => as.map(a => a.getAttribute('href')))) {
    await op.goto(base + href);
    await op.waitForLoadState('networkidle');
    check(!op.apiErrors.some(e => e.status === 403), `${href}: the operator was refused: ${JSON.stringify(op.apiErrors)}`);
  }
  noEnglish(op.apiErrors);
  check(op.errors.length === 0, 'no script errors: ' + JSON.stringify(op.errors));
  // Typed by hand, the address is refused in Russian (Chromium logs the
  // page's own 403 as a console error).
  const refused = await op.goto(base + '/mailings');
  check(refused.status() === 403, '/mailings for an operator: ' + refused.status());
  check((await op.locator('p.error').textContent()).includes('Недостаточно прав'), 'the refusal is in Russian');

  // The secretary sees "Рассылки"; a mistake is answered in Russian
  // through the pages' own API helper, with its stable code.
  const sec = current.page = recordErrors(await signIn(browser, 'sec1', { path: '/members' }));
  check((await menuOf(sec)).includes('Рассылки'), 'the secretary has mailings');
  const answers = await sec.evaluate(async () => {
    const out = [];
    for (const [method, path, body] of [
      ['POST', '/api/v1/crm/members', {}],
      ['POST', '/api/v1/crm/members', { surname: 'Иванова', emails: ['не-адрес'] }],
      ['GET', '/api/v1/crm/members/no-such-member'],
      ['POST', '/api/v1/inbox/lines', { name: 'Линия' }],
    ]) {
      try { await window.profhub.ready(); await window.profhub.api(method, path, body); out.push({ path, ok: true }); }
      catch (e) { out.push({ path, status: e.status, code: e.body && e.body.error.code, message: e.message }); }
    }
    window.profhub.toast(out[1].message);
    return out;
  });
  check(answers.map(a => a.code).join(' ') === 'invalid invalid not_found forbidden', 'stable codes: ' + JSON.stringify(answers));
  noEnglish(answers);
  // The recorder reads bodies asynchronously: give it a moment.
  for (let i = 0; i < 30 && sec.apiErrors.length < 4; i++) await sec.waitForTimeout(100);
  noEnglish(sec.apiErrors);
  check(sec.apiErrors.length >= 4, 'every error answer was seen: ' + JSON.stringify(sec.apiErrors));
  await shoot(sec, 'roles-error-toast');

  // Time: one instant, the same on the documents page and in the inbox,
  // in Orenburg's time although the browser lives in Los Angeles.
  const ctx = await browser.newContext({ locale: 'ru-RU', timezoneId: 'America/Los_Angeles', viewport: { width: 1366, height: 800 } });
  const t = current.page = await ctx.newPage();
  t.errors = [];
  await t.goto(base + '/login');
  await t.fill('input[name=login]', 'sec1');
  await t.fill('input[name=password]', process.env.PROFHUB_PASSWORD);
  await t.click('button.primary');
  await t.waitForURL(base + '/');
  const instant = '2026-12-04T09:05:00Z';
  const shown = async path => {
    await t.goto(base + path);
    return t.evaluate(i => [document.documentElement.dataset.tz, window.profhub.dateTime(i), window.profhub.time(i)], instant);
  };
  const docs = await shown('/documents'), inbox = await shown('/inbox');
  check(JSON.stringify(docs) === JSON.stringify(inbox), `documents ${JSON.stringify(docs)} and inbox ${JSON.stringify(inbox)} differ`);
  check(docs[0] === 'Asia/Yekaterinburg' && docs[1] === '04.12.2026 14:05', 'the installation\'s zone, UTC+5: ' + JSON.stringify(docs));

  // The secretary moves to Moscow in the profile: both pages follow.
  await t.goto(base + '/profile');
  await t.selectOption('select[name=time_zone]', 'Europe/Moscow');
  await shoot(t.locator('form.grid').first(), 'roles-profile-zone');
  await t.click('form[action="/profile"] button.primary');
  await t.waitForURL(/flash=saved/);
  const docs2 = await shown('/documents'), inbox2 = await shown('/inbox');
  check(JSON.stringify(docs2) === JSON.stringify(inbox2) && docs2[1] === '04.12.2026 12:05', 'Moscow for this user: ' +
    JSON.stringify([docs2, inbox2]));
  check(t.errors.length === 0, 'no script errors: ' + JSON.stringify(t.errors));
});
