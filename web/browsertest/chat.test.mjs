// The staff chat in real Chromium, started by web/chat_browser_test.go:
// Иванова and Петров, each in their own browser context, in one group
// chat. A message arrives live; Петров goes offline, Иванова writes, and
// when his network returns the message is shown exactly once; "@Пет"
// completes to Петров, whose bell count rises; "@Сидоров" (not in the
// chat) is refused in Russian; an edit and a deletion show as such.
import { check, env, run, shoot, signIn } from './harness.mjs';

const chatPath = '/chat#' + env.PROFHUB_CHAT;
const wait = { timeout: 30000 };

async function socketOpen(page) {
  await page.waitForFunction(() => window.chatSocket && window.chatSocket.open(), null, wait);
}
function message(page, text) {
  return page.locator('#chat-messages .chat-msg', { hasText: text });
}
async function send(page, text) {
  // The button is disabled while the previous message is sending.
  await page.waitForSelector('#chat-send:not([disabled])', { timeout: 20000 });
  await page.fill('#chat-text', text);
  await page.click('#chat-send');
}
async function bell(page) {
  const b = page.locator('.bell-count');
  return (await b.isVisible()) ? Number(await b.textContent()) : 0;
}

await run('chat', async (browser, current) => {
  const iv = current.page = await signIn(browser, 'iv', { path: chatPath });
  const pe = await signIn(browser, 'pe', { path: chatPath });
  for (const p of [iv, pe]) {
    await p.locator('#chat-messages .chat-msg').nth(2).waitFor(wait);
    await socketOpen(p);
  }
  check((await iv.locator('#chat-title').textContent()) === 'Колдоговор 2027', 'the chat is open');

  // Live.
  await send(iv, 'Проект готов, Сергей Иванович, отправила на почту.');
  await message(pe, 'Проект готов').waitFor(wait);
  check(await message(pe, 'Проект готов').count() === 1, 'the live message once');

  // Offline and back: nothing lost, nothing twice.
  current.page = pe;
  await pe.context().setOffline(true);
  await pe.waitForFunction(() => !window.chatSocket.open(), null, wait);
  await send(iv, 'Пока вас не было: раздел об оплате труда согласован с юристом.');
  await message(iv, 'Пока вас не было').waitFor(wait);
  await pe.context().setOffline(false);
  await message(pe, 'Пока вас не было').waitFor(wait);
  await socketOpen(pe);
  check(await message(pe, 'Пока вас не было').count() === 1, 'the message sent while offline arrives exactly once');
  const ivCount = await iv.locator('#chat-messages .chat-msg').count();
  check(await pe.locator('#chat-messages .chat-msg').count() === ivCount, 'both sides show the same messages');

  // A mention from the autocomplete rings Петров's bell.
  current.page = iv;
  const before = await bell(pe);
  await iv.fill('#chat-text', '');
  await iv.type('#chat-text', '@Пет');
  const option = iv.locator('#chat-mentions li', { hasText: 'Петров Сергей Иванович' });
  await option.waitFor(wait);
  await iv.keyboard.press('Enter');
  check((await iv.inputValue('#chat-text')) === '@Петров ', 'completed: ' + await iv.inputValue('#chat-text'));
  await iv.type('#chat-text', 'посмотрите, пожалуйста, пункт 4.2');
  await iv.click('#chat-send');
  await message(pe, 'пункт 4.2').waitFor(wait);
  check(await message(pe, 'пункт 4.2').locator('mark.chat-mention').count() === 1, 'the mention is marked');
  await pe.waitForFunction(n => {
    const b = document.querySelector('.bell-count');
    return b && !b.hidden && Number(b.textContent) > n;
  }, before, { timeout: 45000 });

  // A mention of someone outside the chat is refused, nothing sent.
  await send(iv, '@Сидоров глянь тоже');
  await iv.waitForSelector('#chat-error:not([hidden])', wait);
  const refusal = await iv.locator('#chat-error').textContent();
  check(refusal.includes('Сидоров Олег Ильич не участвует в этом чате'), 'refused in Russian: ' + refusal);
  check(await message(iv, 'глянь тоже').count() === 0, 'nothing sent');

  // An edit and a deletion show on the other side.
  const mine = message(iv, 'Проект готов');
  await mine.locator('button', { hasText: 'Изменить' }).click();
  await iv.fill('#chat-text', 'Проект готов, Сергей Иванович, отправила на почту и в СЭД.');
  await iv.click('#chat-send');
  await message(pe, 'и в СЭД').locator('.chat-edited', { hasText: 'изменено' }).waitFor(wait);
  iv.once('dialog', d => d.accept());
  await message(iv, 'Пока вас не было').locator('button', { hasText: 'Удалить' }).click();
  await pe.locator('#chat-messages .chat-msg.deleted', { hasText: 'сообщение удалено' }).waitFor(wait);
  check(await message(pe, 'Пока вас не было').count() === 0, 'the deleted text is gone');

  // The list shows the chats with what is unread.
  await iv.fill('#chat-text', 'Сергей Иванович, @Петров жду ваших правок до 17:00');
  await shoot(iv, 'chat');
  // A new direct chat from the dialog opens at once.
  await iv.click('#chat-new');
  await iv.fill('#chat-people-q', 'Сид');
  await iv.locator('#chat-pick label', { hasText: 'Сидоров Олег Ильич' }).locator('input').check();
  await iv.click('#chat-new-form button.primary');
  await iv.waitForFunction(() => document.getElementById('chat-title').textContent === 'Сидоров Олег Ильич', null, wait);
  await iv.locator('.chat-item.on', { hasText: 'Сидоров Олег Ильич' }).waitFor(wait);

  // The refused mention's 422 and what failed while offline are expected.
  const unexpected = iv.errors.filter(e => !e.includes('422')).concat(pe.errors.filter(e => !e.includes('ERR_INTERNET_DISCONNECTED')));
  check(unexpected.length === 0, 'no script errors: ' + JSON.stringify(unexpected));
});
