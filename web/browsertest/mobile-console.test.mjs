// The operators' console on a phone (390×844), on a hub the demo filled
// (started by web/mobile_browser_test.go). A member writes through the
// members' app (the API channel); operator1 opens the menu, goes to the
// console, accepts the offer, answers with a quick answer and a file,
// goes back to the list, and opens the member's card from the
// conversation. On every step the page must not scroll sideways.
import { base, check, env, run, signIn, goOnline } from './harness.mjs';
import { phone, step } from './mobile.mjs';

async function post(id, text) {
  const r = await fetch(`${base}/hooks/api/${env.PROFHUB_CHANNEL}/messages`, {
    method: 'POST',
    headers: { 'Authorization': 'Bearer ' + env.PROFHUB_CHANNEL_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ contact: { id: 'app-51207', name: 'Фёдорова Елена Николаевна', phone: '8 (903) 361-22-10' },
      message: { id, text, subject: 'Путёвка для сына' } }),
  });
  check(r.status === 201, 'inbound message accepted, got ' + r.status);
  return r.json();
}

await run('mobile-console', async (browser, current) => {
  const op = current.page = await signIn(browser, 'operator1', { viewport: phone, dialogs: true });
  await step(op, 'mobile-home-operator', { fullPage: true });

  // The sections fold behind the menu button.
  check(!(await op.isVisible('nav.main')), 'the sections are folded on a phone');
  await op.click('.menu-toggle');
  await op.waitForSelector('nav.main a[href="/inbox"]', { state: 'visible' });
  check(await op.getAttribute('.menu-toggle', 'aria-expanded') === 'true', 'the button says the menu is open');
  await step(op, 'mobile-menu');
  await op.click('nav.main a[href="/inbox"]');
  await op.waitForURL(base + '/inbox');
  await op.waitForSelector('#conversations li');
  await step(op, 'mobile-console-list');
  await goOnline(op);
  // The demo's queue is offered at once, up to the line's limit of offers:
  // she leaves those to her colleague, so that the member's is offered next.
  await op.waitForSelector('.offer', { timeout: 10000 }).catch(() => {});
  for (let i = 0; i < 30 && await op.locator('.offer').count(); i++) {
    await op.locator('.offer button:not(.primary)').first().click().catch(() => {});
    await op.waitForTimeout(150);
  }

  // A member writes; the line offers the conversation to operator1.
  const res = await post('m-1', 'Здравствуйте! Хочу летом отправить сына (10 лет) в санаторий. Есть ли путёвки со скидкой от профсоюза?');
  const offer = op.locator('.offer', { hasText: 'Фёдорова' });
  await offer.waitFor({ timeout: 15000 });
  await step(op, 'mobile-console-offer');
  await offer.locator('button.primary').click();
  // The demo's queue is offered too: she leaves those to her colleague.
  for (let i = 0; i < 20 && await op.locator('.offer').count(); i++) {
    await op.locator('.offer button:not(.primary)').first().click().catch(() => {});
    await op.waitForTimeout(150);
  }

  // One pane: the conversation replaces the list.
  await op.waitForSelector('.msg-in .text >> text=путёвки со скидкой');
  check(await op.isVisible('#chat-back'), 'a back button on the conversation');
  check(!(await op.isVisible('#conversations')), 'the list gives the screen to the conversation');
  const bottom = await op.evaluate(() => document.getElementById('reply-send').getBoundingClientRect().bottom);
  check(bottom <= 844, `the send button is on the screen (bottom ${bottom})`);
  await step(op, 'mobile-console-conversation');

  // A quick answer: "/" and the start of its shortcut.
  await op.fill('#reply-text', '/пут');
  await op.waitForSelector('#quick .quick-item', { state: 'visible' });
  await step(op, 'mobile-console-quick');
  await op.click('#quick .quick-item');
  check((await op.inputValue('#reply-text')).startsWith('Путёвки в санатории'), 'the quick answer filled the reply');
  await op.setInputFiles('#reply-file', { name: 'перечень-санаториев.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% Перечень санаториев\n') });
  await op.click('#reply-send');
  const sent = op.locator('.msg-out', { hasText: 'Путёвки в санатории' });
  await sent.locator('.st-sent, .st-delivered').waitFor({ timeout: 15000 });
  check(await sent.locator('.att-file', { hasText: 'перечень-санаториев.pdf' }).count() === 1, 'the file went with the reply');
  await step(op, 'mobile-console-reply');

  // Back to the list, with the conversation in it.
  await op.click('#chat-back');
  await op.waitForSelector('#conversations', { state: 'visible' });
  check(!(await op.isVisible('#chat')), 'the conversation gave the screen back to the list');
  const row = op.locator(`#conversations li.conv[data-id="${res.conversation_id}"]`);
  await row.waitFor();
  await step(op, 'mobile-console-back');

  // Again into it, then to the contact and on to the member's card.
  await row.click();
  await op.waitForSelector('#chat-contact', { state: 'visible' });
  await op.click('#chat-contact');
  await op.waitForSelector('#act-card', { state: 'visible' });
  await step(op, 'mobile-console-contact');
  // Her phone is on a member's card: "make a card" offers to link that one.
  await op.click('#act-card');
  await op.waitForSelector('#card-dialog[open]');
  await op.click('#card-create');
  await op.waitForSelector('#card-dups:not([hidden]) li');
  check((await op.locator('#card-dup-list').textContent()).includes('Фёдорова Елена Николаевна'), 'the card with her phone is offered');
  await step(op, 'mobile-console-card-dialog');
  await op.click('#card-dup-list button');
  await op.waitForSelector('#crm-member-link', { state: 'visible' });
  await step(op, 'mobile-console-contact-linked');
  await op.click('#contact-back');
  await op.waitForSelector('#reply-text', { state: 'visible' });
  await op.click('#chat-contact');
  await op.click('#crm-member-link');
  await op.waitForURL(/\/members\?id=/);
  await op.waitForSelector('#m-card h2');
  check((await op.locator('#m-card h2').textContent()).includes('Фёдорова'), 'the member\'s card opened');
  const top = await op.evaluate(() => document.getElementById('m-card').getBoundingClientRect().top);
  check(top < 844, `the card is on the screen (top ${top})`);
  await step(op, 'mobile-member-card');
  await step(op, 'mobile-member-card-full', { fullPage: true });

  // the 409 is the server naming the card that resembles hers
  const errs = op.errors.filter(e => !e.includes('favicon') && !e.includes('409'));
  check(errs.length === 0, 'no console errors or dialogs: ' + JSON.stringify(errs));
  console.log('the operator answered on a phone; conversation', res.conversation_id);
});
