// The member's office in real Chromium, started by
// web/memberbot_browser_test.go: the public verify page of a card, valid
// with initials and organisation only, at desktop width and on a phone;
// a forged token; the member card's bot section for a chairman.
import { base, check, env, newPage, run, shoot, signIn } from './harness.mjs';

await run('memberbot', async (browser, current) => {
  const partner = current.page = await newPage(browser);
  await partner.goto(base + '/v/' + env.PROFHUB_TOKEN);
  await partner.waitForSelector('h1[data-verdict=valid]');
  const text = await partner.locator('main').textContent();
  check(text.includes('Билет действителен') && text.includes('К. М. И.') && text.includes('ППО завода «Стройдеталь»'), 'valid page: ' + text);
  for (const s of ['Ковалёва', 'Марина', 'Игоревна', '1985', '912', '56-001234']) {
    check(!text.includes(s), 'the verify page shows ' + s);
  }
  await shoot(partner, 'verify-page');

  const forged = env.PROFHUB_TOKEN.slice(0, -4) + (env.PROFHUB_TOKEN.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  await partner.goto(base + '/v/' + forged);
  await partner.waitForSelector('h1[data-verdict=forged]');
  check((await partner.locator('main').textContent()).includes('не действителен'), 'a forged token is not valid');

  const chair = current.page = await signIn(browser, 'chair', { path: '/members?id=' + env.PROFHUB_MEMBER });
  await chair.waitForSelector('#m-bot-links li');
  const bot = await chair.locator('#m-bot').textContent();
  check(bot.includes('Telegram') && bot.includes('подтверждён кодом') && bot.includes('Отвязать'), 'bot section: ' + bot);
  const href = await chair.locator('#m-bot-card').getAttribute('href');
  const resp = await chair.request.get(base + href);
  check(resp.status() === 200 && resp.headers()['content-type'] === 'image/png', 'card PNG: ' + resp.status());
  await shoot(chair.locator('#m-bot'), 'member-card-bot');
});
