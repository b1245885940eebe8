// End-to-end test of the three document routes in real Chromium. Incoming:
// the secretary registers a letter with a file, the chairman writes a
// resolution for the deputy, the deputy assigns two executors, both comment
// and mark it done, the document closes. Outgoing: the secretary answers
// from the closed letter, checks the reply, the chairman approves, the
// secretary records the dispatch. Internal: signature and acquaintance.
// Started by web/documents_browser_test.go.
import { base, check, run, shoot, signIn as harnessSignIn } from './harness.mjs';

async function signIn(browser, login) {
  const page = await harnessSignIn(browser, login, { viewport: { width: 1366, height: 900 }, path: '/documents#tasks' });
  await page.waitForSelector('#docs-view h1');
  return page;
}

async function openFromTasks(page, title) {
  await page.goto(base + '/documents#tasks');
  const row = page.locator('#docs-view tr.link', { hasText: title });
  await row.waitFor({ timeout: 10000 });
  await row.click();
  await page.waitForSelector('#decide');
}

async function decide(page, decision, fill) {
  await page.click(`#decide button[data-decision=${decision}]`);
  if (fill) await fill(page);
  await page.click('#decide-go');
  await page.waitForFunction(d => !document.querySelector(`#decide button[data-decision=${d}]`), decision);
}

await run('documents', async (browser, current) => {
  const title = 'Запрос о численности <img src=x onerror="window.__xss=1">';
  const sec = current.page = await signIn(browser, 'secretary');
  await sec.click('nav.tabs a[href="#new"]');
  await sec.waitForSelector('#register-form');
  await sec.selectOption('#register-form select[name=kind]', 'incoming');
  await sec.selectOption('#register-form select[name=medium]', 'paper');
  await sec.fill('#register-form input[name=title]', title);
  await sec.fill('#register-form input[name=correspondent]', 'Министерство образования области');
  await sec.fill('#register-form input[name=orig_number]', '01-15/772');
  await sec.fill('#register-form input[name=orig_date]', '2026-11-20');
  await sec.fill('#register-form input[name=received_on]', '2026-11-25');
  await sec.selectOption('#register-form select[name=delivery]', 'почта');
  await sec.fill('#register-form textarea[name=summary]', 'Просят сообщить численность членов профсоюза по состоянию на 1 ноября.');
  await sec.setInputFiles('#register-form input[name=files]', { name: 'запрос.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 test') });
  await shoot(sec, 'documents-register');
  await sec.click('#register-form button.primary');
  await sec.waitForSelector('#doc-card');
  const number = await sec.locator('.doc-number').textContent();
  check(/^ВХ-\d{4}\/0001-б$/.test(number), 'registration number with the paper mark, got ' + number);
  check(await sec.locator('#doc-card h1').textContent().then(s => s.includes('<img')), 'hostile title shown as text');
  check(await sec.evaluate(() => window.__xss) === undefined, 'no script ran');
  await sec.waitForSelector('text=запрос.pdf');

  const chair = current.page = await signIn(browser, 'chairman');
  await chair.waitForSelector('#docs-notes a', { timeout: 20000 });
  check(Number(await chair.locator('#docs-unread').textContent()) >= 1, 'the chairman has an unread notification');
  await shoot(chair, 'documents-tasks');
  await openFromTasks(chair, 'Запрос о численности');
  await decide(chair, 'resolve_deputy', async p => {
    await p.fill('#decide textarea[name=res_text]', 'Подготовить сведения, ответ за моей подписью.');
    await p.fill('#decide input[name=res_deadline]', '2099-12-05');
    await p.selectOption('#decide select[name=res_priority]', '2');
    await shoot(p, 'documents-resolution');
  });
  await chair.waitForSelector('.resolution >> text=Подготовить сведения');

  const deputy = current.page = await signIn(browser, 'deputy');
  await openFromTasks(deputy, 'Запрос о численности');
  await decide(deputy, 'assign', async p => {
    await p.locator('#decide fieldset.people label', { hasText: 'Тест ivanova' }).locator('input').check();
    await p.locator('#decide fieldset.people label', { hasText: 'Тест petrov' }).locator('input').check();
  });

  for (const login of ['ivanova', 'petrov']) {
    const ex = current.page = await signIn(browser, login);
    await openFromTasks(ex, 'Запрос о численности');
    await ex.fill('#comment-form textarea', 'Данные по ' + login + ' собраны');
    await ex.click('#comment-form button');
    await ex.waitForSelector('#history >> text=Данные по ' + login);
    await decide(ex, 'done', async p => { await p.fill('#decide textarea[name=report]', 'Сведения переданы секретарю'); });
    check(ex.errors.length === 0, login + ' page errors: ' + ex.errors.join('; '));
  }

  current.page = chair;
  await chair.goto(base + '/documents#journal');
  await chair.waitForSelector('#docs-view tr.link');
  await chair.locator('#docs-view tr.link', { hasText: 'Запрос о численности' }).click();
  await chair.waitForSelector('#doc-card .badge.status-closed');
  await chair.waitForSelector('img.diagram');
  await chair.waitForFunction(() => { const i = document.querySelector('img.diagram'); return i && i.complete && i.naturalWidth > 0; });
  await shoot(chair, 'documents-card', { fullPage: true });
  // The printable registration card: the card without navigation and forms.
  await chair.emulateMedia({ media: 'print' });
  check(!(await chair.isVisible('header.top')) && !(await chair.isVisible('#comment-form')) && await chair.isVisible('#doc-card dl.fields'),
    'print view shows the card only');
  await shoot(chair, 'documents-print', { fullPage: true });
  await chair.emulateMedia({ media: 'screen' });
  await chair.goto(base + '/documents#processes');
  await chair.waitForFunction(() => document.querySelectorAll('img.diagram').length === 3 &&
    Array.from(document.querySelectorAll('img.diagram')).every(i => i.complete && i.naturalWidth > 0));
  await shoot(chair, 'documents-processes', { fullPage: true });
  // The secretary answers with an outgoing letter linked to the incoming one.
  current.page = sec;
  await sec.goto(base + '/documents#journal');
  await sec.locator('#docs-view tr.link', { hasText: 'Запрос о численности' }).click();
  await sec.waitForSelector('#doc-card .badge.status-closed');
  await sec.click('#doc-card a.button');
  await sec.waitForSelector('#register-form');
  check(await sec.inputValue('#register-form select[name=kind]') === 'outgoing', 'the reply is an outgoing document');
  check(await sec.inputValue('#register-form input[name=correspondent]') === 'Министерство образования области', 'the reply goes to the sender');
  await sec.click('#register-form button.primary');
  await sec.waitForSelector('#doc-card .related a');
  const reply = await sec.locator('.doc-number').textContent();
  check(/^ИСХ-\d{4}\/0001-э$/.test(reply), 'outgoing number, got ' + reply);
  check((await sec.locator('#doc-card .related a').textContent()).startsWith(number), 'the reply links the incoming letter');
  // The outgoing route: check, approval, dispatch.
  const replyURL = sec.url();
  await decide(sec, 'to_chairman');
  await chair.goto(replyURL);
  await chair.waitForSelector('#decide');
  await decide(chair, 'approve');
  await sec.goto(base + '/documents#tasks');
  await sec.goto(replyURL);
  await sec.waitForSelector('#decide');
  await decide(sec, 'dispatch', async p => {
    await p.selectOption('#decide select[name=method]', 'courier');
    await p.fill('#decide input[name=address]', 'ул. Советская, 54');
  });
  await sec.waitForSelector('#doc-card .badge.status-closed');
  check((await sec.locator('#doc-card').textContent()).includes('ул. Советская, 54'), 'dispatch recorded');

  // The internal route: signature, acquaintance.
  await sec.goto(base + '/documents#new');
  await sec.waitForSelector('#register-form');
  await sec.selectOption('#register-form select[name=kind]', 'internal');
  await sec.fill('#register-form input[name=title]', 'Приказ о дежурствах');
  await sec.click('#register-form button.primary');
  await sec.waitForSelector('#doc-card');
  const orderURL = sec.url();
  await chair.goto(orderURL);
  await chair.waitForSelector('#decide');
  await decide(chair, 'sign');
  await sec.goto(base + '/documents#tasks');
  await sec.goto(orderURL);
  await sec.waitForSelector('#decide');
  await decide(sec, 'acquaint', async p => {
    await p.locator('#decide fieldset.people label', { hasText: 'Тест ivanova' }).locator('input').check();
  });
  const iv = current.page = await signIn(browser, 'ivanova');
  await openFromTasks(iv, 'Приказ о дежурствах');
  await decide(iv, 'acknowledge');
  await iv.waitForSelector('#doc-card .badge.status-closed');
  await shoot(iv, 'documents-acknowledged', { fullPage: true });
  current.page = sec;

  await sec.goto(base + '/documents#feed');
  await sec.waitForSelector('#feed li');
  check(await sec.locator('#feed li').count() >= 14, 'the activity feed lists the events');
  await shoot(sec, 'documents-feed');
  for (const p of [sec, chair, deputy]) check(p.errors.length === 0, 'page errors: ' + p.errors.join('; '));
  console.log('three routes walked in Chromium: ' + number + ', ' + reply + ' and an internal order');
});
