// End-to-end test of the site widget in real Chromium. Started by
// widget/browser_test.go through the shared harness (web/browsertest);
// exits non-zero with a reason on the first failed check.
import { base, check, env, run, shoot, signIn, watch } from '../../web/browsertest/harness.mjs';

await run('widget', async (browser, current) => {
  // The operator signs in and goes online, so the widget offers the chat.
  const op = await signIn(browser, 'op1');
  // The operator's photo, uploaded on the profile page, is what visitors
  // will see next to the replies: a 2x2 PNG sent as a file.
  await op.goto(base + '/profile');
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAGElEQVR4nGI6ISf3nwEG5ORO/AcEAAD//yJzBAmXh09FAAAAAElFTkSuQmCC', 'base64');
  await op.setInputFiles('input[name=avatar]', { name: 'me.png', mimeType: 'image/png', buffer: png });
  await op.locator('form[action="/profile/avatar"] button').click();
  await op.locator('#avatar-preview').waitFor({ timeout: 10000 });
  await op.goto(base + '/inbox');
  await op.selectOption('#presence', 'online');
  await op.waitForTimeout(500);

  // A page on an origin the channel does not allow gets no widget.
  const visCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  const evil = await visCtx.newPage();
  await evil.goto(env.OTHER_SITE_URL);
  await evil.waitForTimeout(1500);
  check(await evil.locator('button.btn').count() === 0, 'no widget on a disallowed origin');
  await evil.close();

  // The visitor on the union's site: keep a handle on the widget's sockets
  // so the test can cut them.
  await visCtx.addInitScript(() => {
    const WS = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = function (u, p) { const s = new WS(u, p); window.__sockets.push(s); return s; };
    window.WebSocket.prototype = WS.prototype;
  });
  const vis = current.page = watch(await visCtx.newPage());
  await vis.goto(env.SITE_URL);
  await vis.locator('button.btn').click(); // playwright's CSS pierces the open shadow root
  await vis.fill('input[name=name]', 'Мария Петровна');
  await vis.fill('input[name=contact]', '+7 900 123-45-67');
  check(await vis.locator('a[href$="/policy"]').count() === 1, 'consent links the policy');
  await vis.locator('input[name=consent]').check();
  await vis.locator('button.go').click();
  await vis.locator('textarea').fill('Здравствуйте! Можно ли отказаться от сверхурочной работы?');
  await vis.keyboard.press('Enter');
  await vis.locator('.msg.in[data-seq]').waitFor({ timeout: 10000 });
  await shoot(vis, 'widget-prechat-sent');

  // The operator takes it and answers.
  const offer = op.locator('.offer', { hasText: 'Мария' });
  await offer.waitFor({ timeout: 15000 });
  await offer.locator('button.primary').click();
  await op.waitForSelector('.msg-in .text >> text=сверхурочной');
  await op.fill('#reply-text', 'Здравствуйте! Да, только с вашего письменного согласия.');
  await op.keyboard.press('Control+Enter');
  await vis.locator('.msg.out', { hasText: 'письменного согласия' }).waitFor({ timeout: 15000 });
  check(await vis.locator('.msg.out .who', { hasText: 'Тест op1' }).count() === 1, 'the reply shows the operator name');
  check(await vis.locator('.msg.out .who img.av').count() === 1, 'the reply shows the operator photo');
  check(await vis.locator('.msg.out .who img.av').evaluate(i => i.complete && i.naturalWidth === 2), 'the operator photo loads on the site');

  // Read marks: the operator opened the conversation, so the visitor's
  // message is marked read; the visitor has the chat open, so the console
  // marks the reply seen.
  await vis.locator('.msg.in .mk[title="прочитано"]').waitFor({ timeout: 10000 });
  await op.locator('.msg-out .seen-mark').first().waitFor({ timeout: 10000 });

  // Typing, both ways.
  await vis.locator('textarea').fill('Спасибо, а если');
  await op.locator('#contact-typing', { hasText: 'печатает' }).waitFor({ timeout: 10000 });
  await vis.locator('textarea').fill('');
  await op.fill('#reply-text', 'Сейчас уточню');
  await vis.locator('.typing', { hasText: 'печатает' }).waitFor({ timeout: 10000 });
  await shoot(vis, 'widget-typing');
  await shoot(op, 'console-typing');
  await op.fill('#reply-text', '');

  // The connection drops; the operator writes twice meanwhile.
  await visCtx.setOffline(true);
  await vis.evaluate(() => window.__sockets.forEach(s => s.close()));
  await vis.waitForTimeout(300);
  for (const text of ['Первое сообщение, пока вас не было.', 'И второе сообщение.']) {
    await op.fill('#reply-text', text);
    await op.keyboard.press('Control+Enter');
    await op.waitForSelector(`.msg-out >> text=${text}`);
  }
  await op.waitForTimeout(500);
  check(await vis.locator('.msg.out', { hasText: 'Первое сообщение' }).count() === 0, 'nothing arrives while offline');
  await visCtx.setOffline(false);
  await vis.locator('.msg.out', { hasText: 'И второе сообщение' }).waitFor({ timeout: 20000 });
  await vis.waitForTimeout(1000);
  check(await vis.locator('.msg.out', { hasText: 'Первое сообщение' }).count() === 1, 'the first missed reply shown once');
  check(await vis.locator('.msg.out', { hasText: 'И второе сообщение' }).count() === 1, 'the second missed reply shown once');
  check(await vis.locator('.msg.out', { hasText: 'письменного согласия' }).count() === 1, 'the earlier reply not repeated');
  check(await vis.locator('.msg.in', { hasText: 'сверхурочной' }).count() === 1, 'the visitor message shown once');
  await shoot(vis, 'widget-chat');

  // The site's CSS did not reach the widget.
  const colour = await vis.locator('.msg.out').first().evaluate(e => getComputedStyle(e).color);
  check(colour !== 'rgb(255, 0, 0)', 'site CSS leaked into the widget: ' + colour);

  // The operator closes; the widget asks for a rating.
  await op.click('#act-close');
  await vis.locator('.rating').waitFor({ timeout: 15000 });
  await vis.locator('.stars button').nth(4).click();
  await vis.locator('.rating button.go').click();
  await vis.locator('.sys', { hasText: 'Спасибо за оценку' }).waitFor({ timeout: 10000 });
  await shoot(vis, 'widget-rated');

  // An administrator gives the channel its own limit on the lines page.
  const adm = await signIn(browser, 'adm1', { viewport: { width: 1366, height: 900 } });
  await adm.goto(base + '/settings/lines');
  await adm.locator('#line-list a', { hasText: 'Горячая линия' }).click();
  await adm.locator('#ch-rows button.link', { hasText: 'Лимиты' }).click();
  await adm.fill('input[name=limit_sockets_per_ip]', '0');
  await adm.locator('#wl-form button.primary').click();
  check(await adm.locator('#wl-dialog[open]').count() === 1, 'a limit out of range is refused in the form');
  await adm.fill('input[name=limit_sockets_per_ip]', '500');
  await adm.fill('input[name=limit_messages_per_second]', '1.5');
  await shoot(adm, 'widget-limits');
  await adm.locator('#wl-form button.primary').click();
  await adm.locator('#wl-dialog[open]').waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
  check(await adm.locator('#wl-dialog[open]').count() === 0, 'the limits dialog closes after saving');

  // The demo page served by the hub, with the widget open.
  const demo = watch(await visCtx.newPage());
  await demo.goto(base + '/widget/demo');
  await demo.locator('button.btn').click();
  await demo.locator('.panel.on').waitFor();
  await demo.waitForTimeout(500);
  await shoot(demo, 'widget-demo');

  for (const p of [op, vis, demo, adm]) {
    const errs = p.errors.filter(e => !e.includes('favicon') && !e.includes('ERR_INTERNET_DISCONNECTED') && !e.includes('WebSocket'));
    check(errs.length === 0, 'no console errors: ' + JSON.stringify(errs));
  }
  console.log('widget e2e passed');
});
