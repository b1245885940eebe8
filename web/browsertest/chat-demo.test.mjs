// The demo's chats in real Chromium, started by web/chat_browser_test.go:
// the chairman's list with unread counts and her unit's chat with the
// vacation order shared as a card; the operator, who may not open the
// order, sees the card without its title; a phone shows the list, then
// the chat with a way back.
import { check, desktop, run, shots, signIn } from './harness.mjs';

const wait = { timeout: 30000 };

await run('chat-demo', async (browser, current) => {
  const chair = current.page = await signIn(browser, 'chairman', { path: '/chat', viewport: { width: desktop.width, height: 768 } });
  const group = chair.locator('.chat-item', { hasText: 'Колдоговорная кампания 2027' });
  await group.waitFor(wait);
  check((await group.locator('.chat-unread').textContent()) === '4', 'four unread in the group: ' + await group.textContent());
  await chair.locator('.chat-item', { hasText: 'Федерация профсоюзов' }).click();
  const card = chair.locator('#chat-messages a.chat-card');
  await card.waitFor(wait);
  check((await card.textContent()).includes('Приказ о графике отпусков на 2027 год'), 'the chairman reads the card: ' + await card.textContent());
  check((await chair.locator('#chat-messages .chat-quote').first().textContent()).includes('Смирнова'), 'a reply quotes its message');
  await chair.fill('#chat-text', '');
  await chair.type('#chat-text', 'Ирина Алексеевна, @Бел');
  await chair.locator('#chat-mentions li', { hasText: 'Белова Ирина Алексеевна' }).waitFor(wait);
  await chair.screenshot({ path: shots + '/chat-demo.png' });

  // A task of hers, shared from the list of her tasks, goes as a card.
  await chair.fill('#chat-text', 'Прошу всех посмотреть проект до пленума.');
  await chair.click('#chat-share');
  const task = chair.locator('#chat-tasks button').first();
  await task.waitFor(wait);
  await task.click();
  await chair.locator('#chat-attached .chat-chip', { hasText: 'Поручение' }).waitFor(wait);
  await chair.click('#chat-send');
  const taskCard = chair.locator('#chat-messages .chat-msg', { hasText: 'посмотреть проект до пленума' }).locator('a.chat-card');
  await taskCard.waitFor(wait);
  check((await taskCard.textContent()).includes('Поручение'), 'the task card: ' + await taskCard.textContent());
  await group.click();
  await chair.locator('#chat-messages .chat-msg', { hasText: 'протокол разногласий' }).waitFor(wait);
  await chair.waitForFunction(() => !document.querySelector('.chat-item.on .chat-unread'), null, wait);

  // History search finds another form of the words and shows the message.
  await chair.fill('#chat-search input', 'протоколы разногласия');
  await chair.press('#chat-search input', 'Enter');
  const hit = chair.locator('#chat-hits a.chat-hit', { hasText: 'протокол разногласий' });
  await hit.waitFor(wait);
  await chair.locator('.chat-item', { hasText: 'Федерация профсоюзов' }).click();
  await chair.locator('#chat-messages a.chat-card').first().waitFor(wait);
  await hit.click();
  await chair.locator('#chat-messages .chat-msg.found', { hasText: 'протокол разногласий' }).waitFor(wait);

  const op = current.page = await signIn(browser, 'operator1', { path: '/chat' });
  await op.locator('.chat-item', { hasText: 'Федерация профсоюзов' }).click();
  const hidden = op.locator('#chat-messages .chat-card.hidden-card').first();
  await hidden.waitFor(wait);
  const text = await hidden.textContent();
  check(text.includes('Нет доступа') && !text.includes('Приказ'), 'the operator sees no title: ' + text);

  // A phone: the list, then the direct chat, then back.
  const phone = current.page = await signIn(browser, 'deputy', { path: '/chat', viewport: { width: 390, height: 780 } });
  await phone.locator('.chat-item', { hasText: 'Кузнецова Татьяна Михайловна' }).waitFor(wait);
  check(await phone.locator('#chat-pane').isHidden(), 'the list alone on a phone');
  await phone.screenshot({ path: shots + '/chat-demo-phone-list.png' });
  await phone.locator('.chat-item', { hasText: 'Колдоговорная кампания 2027' }).click();
  await phone.locator('#chat-messages .chat-msg', { hasText: 'протокол разногласий' }).waitFor(wait);
  check(await phone.locator('#chat-items').isHidden(), 'the chat alone on a phone');
  await phone.screenshot({ path: shots + '/chat-demo-phone.png' });
  await phone.click('#chat-back');
  await phone.locator('#chat-items').waitFor(wait);
  for (const p of [chair, op, phone]) check(p.errors.length === 0, 'no script errors: ' + JSON.stringify(p.errors));
});
