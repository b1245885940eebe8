// The site widget's proactive messages in real Chromium. Started by
// widget/proactive_browser_test.go through the shared harness
// (web/browsertest); exits non-zero with a reason on the first failed
// check. Every check waits for its condition.
import { base, check, env, goOnline, run, shoot, signIn, watch } from '../../web/browsertest/harness.mjs';

const text = 'Здравствуйте! Хотите вступить в профсоюз? Спросите нас — ответим за пару минут.';

// until polls cond (async) until it holds, or fails with what.
async function until(what, cond, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await new Promise(r => setTimeout(r, 250));
  }
}

await run('proactive', async (browser, current) => {
  // The operator is on line first: a proactive message waits for someone
  // who can answer.
  const op = current.page = await signIn(browser, 'op1', { path: '/inbox' });
  await goOnline(op);

  // The administrator sets the trigger on the lines page.
  const adm = current.page = await signIn(browser, 'adm1', { viewport: { width: 1366, height: 900 }, path: '/settings/lines' });
  await adm.locator('#line-list a', { hasText: 'Вступление в профсоюз' }).click();
  await adm.locator('#ch-rows button.wt-open').click();
  await adm.locator('#wt-dialog[open]').waitFor({ timeout: 10000 });
  await adm.locator('#wt-rows', { hasText: 'Проактивных сообщений пока нет' }).waitFor({ timeout: 10000 });
  await adm.fill('#wt-form input[name=url_pattern]', '/join*');
  await adm.fill('#wt-form input[name=after_s]', '2');
  await adm.fill('#wt-form input[name=once_days]', '0');
  await adm.fill('#wt-form input[name=sender_name]', 'Ольга, юрист профсоюза');
  await adm.fill('#wt-form textarea[name=text]', text);
  await adm.locator('#wt-form button.primary').click();
  await adm.locator('#wt-rows tr', { hasText: 'Хотите вступить' }).waitFor({ timeout: 10000 });
  await shoot(adm.locator('#wt-dialog'), 'widget-triggers-admin');

  // A page the pattern does not match: the widget stays closed.
  const visCtx = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'ru-RU' });
  const vis = current.page = watch(await visCtx.newPage());
  await vis.goto(env.SITE_URL + '/about');
  await vis.locator('button.btn').waitFor({ timeout: 15000 });
  await vis.waitForTimeout(4000);
  check(await vis.locator('.panel.on').count() === 0, 'no proactive message on a page the pattern does not match');

  // The joining page: after two seconds the widget opens with the message.
  await vis.goto(env.SITE_URL + '/join/form');
  await vis.locator('.panel.on .msg.proactive', { hasText: 'Хотите вступить' }).waitFor({ timeout: 20000 });
  check(await vis.locator('.msg.proactive .who', { hasText: 'Ольга, юрист профсоюза' }).count() === 1, 'the message names its sender');
  check(await vis.locator('input[name=name]').count() === 1, 'the pre-chat form follows the message');
  await shoot(vis, 'widget-proactive');

  // On a phone, too.
  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ru-RU', isMobile: true, hasTouch: true });
  const phone = current.page = watch(await phoneCtx.newPage());
  await phone.goto(env.SITE_URL + '/join/form');
  await phone.locator('.panel.on .msg.proactive', { hasText: 'Хотите вступить' }).waitFor({ timeout: 20000 });
  await phone.screenshot({ path: `${env.PROFHUB_SHOTS || 'screenshots'}/widget-proactive-phone.png` });
  check(phone.errors.length === 0, 'phone page errors: ' + phone.errors.join('; '));
  await phoneCtx.close();

  // The visitor answers: the conversation starts with the message.
  current.page = vis;
  await vis.fill('input[name=name]', 'Мария Петровна');
  await vis.fill('input[name=contact]', 'maria@example.org');
  await vis.locator('input[name=consent]').check();
  await vis.locator('button.go').click();
  await vis.locator('textarea').waitFor({ timeout: 10000 });
  check(await vis.locator('.msg.proactive').count() === 1, 'the message stays above the chat');
  await vis.locator('textarea').fill('Да! Что нужно для вступления?');
  await vis.keyboard.press('Enter');
  await vis.locator('.msg.in[data-seq]', { hasText: 'Что нужно' }).waitFor({ timeout: 15000 });
  await vis.locator('.msg.out[data-seq]', { hasText: 'Хотите вступить' }).waitFor({ timeout: 15000 });
  await until('the local copy of the message to give way to the stored one', async () =>
    await vis.locator('.msg', { hasText: 'Хотите вступить' }).count() === 1);
  const seqs = await vis.locator('.msg[data-seq]').evaluateAll(ds => ds.map(d => [d.className, Number(d.dataset.seq)]));
  check(seqs.length === 2 && /out/.test(seqs[0][0]) && /in/.test(seqs[1][0]) && seqs[0][1] < seqs[1][1], 'order on the site: ' + JSON.stringify(seqs));
  await shoot(vis, 'widget-proactive-answered');

  // The operator is offered the conversation; it starts with the message.
  current.page = op;
  const offer = op.locator('.offer', { hasText: 'Мария' });
  await offer.waitFor({ timeout: 20000 });
  await offer.locator('button.primary').click();
  await op.locator('#messages', { hasText: 'Что нужно для вступления' }).waitFor({ timeout: 15000 });
  await op.locator('#messages', { hasText: 'Хотите вступить' }).waitFor({ timeout: 15000 });
  const order = await op.locator('#messages').evaluate(m => m.textContent.indexOf('Хотите вступить') < m.textContent.indexOf('Что нужно'));
  check(order, 'the console shows the proactive message first');

  // The administrator sees two shows and one answer.
  current.page = adm;
  await until('the counts on the lines page', async () => {
    await adm.locator('#wt-close').click();
    await adm.locator('#ch-rows button.wt-open').click();
    await adm.locator('#wt-rows tr', { hasText: 'Хотите вступить' }).waitFor({ timeout: 10000 });
    const shows = await adm.locator('#wt-rows .wt-shows').first().textContent();
    const answers = await adm.locator('#wt-rows .wt-answers').first().textContent();
    return shows === '2' && answers === '1';
  });
  await shoot(adm.locator('#wt-dialog'), 'widget-triggers-admin-counted');
  for (const p of [vis, op, adm]) check(p.errors.length === 0, 'page errors: ' + p.errors.join('; '));
});
