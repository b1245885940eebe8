// The help centre in real Chromium, started by helpcentre/browser_test.go.
// Every check waits for what it reads (locators, waitForFunction), so a
// slow page is waited for, never read too early.
import { base, check, env, run, shoot, signIn, newPage } from '../../web/browsertest/harness.mjs';

const title = 'Как уплачиваются членские взносы';

await run('help', async (browser, current) => {
  // 1. The administrator writes and publishes an article; a pasted
  //    picture with a script in it is removed and the page says so.
  const adm = current.page = await signIn(browser, 'hadm', { path: '/help/admin', dialogs: true });
  await adm.locator('#help-cats h3', { hasText: 'Взносы' }).waitFor();
  await adm.click('#help-new');
  await adm.selectOption('#help-category', { label: 'Взносы' });
  await adm.fill('#help-title', title);
  await adm.locator('#help-body').evaluate(el => {
    el.innerHTML = '<p>Членский <b>взнос</b> удерживается из зарплаты бухгалтерией по личному заявлению члена профсоюза.</p>' +
      '<ul><li>Размер взноса — один процент заработка.</li><li>Заявление пишется один раз.</li></ul>' +
      '<p>Если вы сменили работу, напишите новое заявление.<img src="x" onerror="window.__xss=1"></p>';
  });
  await adm.selectOption('#help-status', 'published');
  await adm.click('#help-save');
  await adm.locator('#help-saved', { hasText: 'Сохранено' }).waitFor();
  await adm.locator('#help-removed:not([hidden])', { hasText: 'onerror' }).waitFor();
  await adm.locator('#help-cats a', { hasText: title }).waitFor();
  check(await adm.evaluate(() => window.__xss) === undefined, 'no script ran in the editor');
  await shoot(adm, 'help-admin', { fullPage: true });

  // 2. A visitor, not signed in, finds it by another form of its words.
  const visitor = current.page = await newPage(browser);
  await visitor.goto(base + '/help');
  await visitor.locator('.help-cat-card h2', { hasText: 'Взносы' }).waitFor();
  await visitor.locator('.help-cat-card a', { hasText: title }).waitFor();
  await shoot(visitor, 'help-index', { fullPage: true });
  await visitor.fill('input[name=q]', 'взносах');
  await Promise.all([visitor.waitForURL(/\/help\?q=/), visitor.press('input[name=q]', 'Enter')]);
  const first = visitor.locator('.help-hit').first();
  await first.locator('a', { hasText: title }).waitFor();
  const found = await visitor.locator('.help-hit > a').allTextContents();
  check(found[0] === title && found.includes('Льготы при уплате'), 'title match first, then the text match: ' + JSON.stringify(found));
  await shoot(visitor, 'help-search', { fullPage: true });
  await Promise.all([visitor.waitForURL(/\/help\/a\//), first.locator('a').click()]);
  await visitor.locator('h1', { hasText: title }).waitFor();
  check(await visitor.locator('.help-body img').count() === 0, 'the picture with a script is gone');
  await visitor.locator('.help-meta', { hasText: 'Просмотров: 1' }).waitFor();
  await Promise.all([visitor.waitForURL(/#helpful$/), visitor.click('.help-vote button[value=yes]')]);
  await visitor.locator('.help-thanks', { hasText: 'Спасибо за отзыв!' }).waitFor();
  await visitor.reload();
  await visitor.locator('.help-thanks').waitFor();
  check(await visitor.locator('.help-vote button').count() === 0, 'asked once per browser');
  await shoot(visitor, 'help-article', { fullPage: true });

  // 3. On the union's site the widget offers the article while the
  //    visitor types a question.
  const sitePage = current.page = await newPage(browser);
  await sitePage.goto(env.SITE_URL);
  await sitePage.locator('#profhub-widget .btn').click();
  const field = sitePage.locator('#profhub-widget textarea[name=text], #profhub-widget input[name=topic]').first();
  await field.waitFor();
  await field.pressSequentially('Сколько платить взносов?', { delay: 20 });
  await sitePage.locator('#profhub-widget .sugg a', { hasText: title }).waitFor({ timeout: 15000 });
  const href = await sitePage.locator('#profhub-widget .sugg a', { hasText: title }).getAttribute('href');
  check(href.startsWith(base + '/help/a/'), 'the suggestion links the hub: ' + href);
  await shoot(sitePage, 'widget-suggest');

  // 4. The operator answers with Ctrl+K: the article's title and link
  //    go in where the cursor was.
  const op = current.page = await signIn(browser, 'hop', { path: '/inbox', dialogs: true });
  const item = op.locator('#conversations li', { hasText: 'Иванова Ольга' });
  await item.waitFor({ timeout: 15000 });
  await item.click();
  await op.locator('#reply-text').waitFor();
  await op.fill('#reply-text', 'Добрый день! Подробно здесь: ');
  await op.focus('#reply-text');
  await op.keyboard.press('End');
  await op.keyboard.press('Control+k');
  await op.locator('#help-pick:not([hidden]) input').waitFor();
  await op.locator('#help-pick input').pressSequentially('взнос', { delay: 20 });
  await op.locator('#help-pick li.on', { hasText: title }).waitFor({ timeout: 15000 });
  await shoot(op, 'help-console-pick');
  await op.keyboard.press('Enter');
  await op.waitForFunction(t => document.getElementById('reply-text').value.includes(t + ' — '), title);
  const reply = await op.inputValue('#reply-text');
  check(reply.startsWith('Добрый день! Подробно здесь: ' + title + ' — ' + base + '/help/a/'), 'inserted: ' + reply);
  check(await op.locator('#help-pick').isHidden(), 'the picker closed');
  await shoot(op, 'help-console');
  for (const p of [visitor, sitePage, op]) check(p.errors.length === 0, 'page errors: ' + JSON.stringify(p.errors));
  // The editor's own errors are the pasted picture's: its handler refused
  // by the CSP and its missing file.
  check(adm.errors.every(e => /Content Security Policy|404/.test(e)), 'editor errors: ' + JSON.stringify(adm.errors));
});
