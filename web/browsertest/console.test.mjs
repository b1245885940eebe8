// End-to-end test of the operators' console in real Chromium. Started by
// web/browser_test.go, which runs the hub and passes what it set up in the
// environment; exits non-zero with a reason on the first failed check.
import { base, check, env, run, shoot, signIn, goOnline } from './harness.mjs';

async function post(contact, id, text) {
  const r = await fetch(`${base}/hooks/api/${env.PROFHUB_CHANNEL}/messages`, {
    method: 'POST',
    headers: { 'Authorization': 'Bearer ' + env.PROFHUB_CHANNEL_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ contact: { id: contact, name: contact }, message: { id, text } }),
  });
  check(r.status === 201, 'inbound message accepted, got ' + r.status);
  return r.json();
}

async function operator(browser, login, path = '/inbox') {
  const page = await signIn(browser, login, { dialogs: true, path });
  if (path === '/inbox') {
    await page.waitForSelector('#conversations li');
    await goOnline(page);
  }
  return page;
}

await run('console', async (browser, current) => {
  // Two operators in two browser contexts; the line routes evenly, first to op1.
  const op1 = current.page = await operator(browser, 'op1');
  const op2 = await operator(browser, 'op2');
  const chair = await operator(browser, 'chair', '/inbox/supervisor');
  await chair.waitForSelector('.line-card .stat b');
  const received = async () => Number(await chair.locator('.line-card .stat b').nth(3).textContent());
  const before = await received();
  await op1.waitForTimeout(300);

  const hostile = 'Помогите! <script>window.__xss=1</script><img src=x onerror="window.__xss=2">';
  const res = await post('Петрова Анна', 'b-1', hostile);

  const offer = op1.locator('.offer', { hasText: 'Петрова' });
  await offer.waitFor({ timeout: 15000 });
  await shoot(op1, 'inbox-offer');
  check(await op2.locator('.offer').count() === 0, 'the other operator got no offer');
  await offer.locator('button.primary').click();

  await op1.waitForSelector('.msg-in .text >> text=Помогите!');
  const shown = await op1.locator('.msg-in .text').first().textContent();
  check(shown.includes('<script>'), 'hostile markup shown as text');
  check(await op1.evaluate(() => window.__xss) === undefined, 'no script ran');

  await op1.fill('#reply-text', 'Здравствуйте! Чем помочь?');
  await op1.keyboard.press('Control+Enter');
  await op1.waitForSelector('.msg-out .st-sent', { timeout: 15000 });
  await shoot(op1, 'inbox-conversation');

  // The supervisor's counts moved without a reload.
  await chair.waitForFunction(n => Number(document.querySelectorAll('.line-card .stat b')[3].textContent) > n, before, { timeout: 15000 });
  await shoot(chair, 'supervisor');

  // A follow-up from the member arrives live, without a reload.
  await post('Петрова Анна', 'b-2', 'Спасибо, жду.');
  await op1.waitForSelector('.msg-in .text >> text=Спасибо, жду.', { timeout: 15000 });

  // Close it: the other operator's "all" list does not show it any more.
  await op1.click('#act-close');
  await op1.waitForSelector('#act-reopen:not([hidden])');

  // A console opened while members keep writing misses none of them: the
  // list is read after the socket is attached, and what changes while the
  // list travels comes as events merged on top of it. The first list
  // answer is held back while 20 new conversations arrive, after the
  // server has read it: each of them is only on the socket.
  const late = await signIn(browser, 'op2', { dialogs: true });
  const flood = [];
  let flooded;
  const floodDone = new Promise(resolve => { flooded = resolve; });
  await late.route(u => u.pathname === '/api/v1/inbox/conversations', async route => {
    const answer = await route.fetch();
    for (let i = 1; i <= 20; i++) flood.push((await post('Поток ' + i, 'flood-' + i, 'Вопрос ' + i)).conversation_id);
    await route.fulfill({ response: answer });
    flooded();
  }, { times: 1 });
  await late.goto(base + '/inbox');
  await Promise.race([floodDone, late.waitForTimeout(30000)]);
  check(flood.length === 20, 'the console asked for its list and 20 conversations arrived meanwhile, got ' + flood.length);
  await late.waitForFunction(ids => ids.length === 20 && window.profhub && window.profhub.console &&
    ids.every(id => window.profhub.console.state.convs[id]), flood, { timeout: 15000 })
    .catch(async () => {
      const shown = await late.evaluate(ids => ids.filter(id => window.profhub.console.state.convs[id]).length, flood);
      check(false, `a console opened during ${flood.length} new conversations knows ${shown} of them`);
    });

  for (const p of [op1, op2, chair, late]) {
    const errs = p.errors.filter(e => !e.includes('favicon'));
    check(errs.length === 0, 'no console errors or dialogs: ' + JSON.stringify(errs));
  }
  console.log('console e2e passed; conversation', res.conversation_id);
});
