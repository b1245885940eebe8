// An operator answers comments on the union's VK wall post in real
// Chromium: the comment's conversation is found in the queue (waiting for
// that very item, never the list's first line, which may still be the old
// tab's «нет обращений»), the post is quoted above it, a deleted comment
// is struck through, the answer goes «В ветке» by default; at 390 px a
// second member is answered «Лично». Started by web/comments_browser_test.go.
import { base, check, env, phoneWidth, run, shots, signIn } from './harness.mjs';

// openFromQueue switches to the queue and opens the conversation of the
// named member once its own item is in the list.
async function openFromQueue(page, name) {
  await page.goto(base + '/inbox');
  await page.click('.tabs button[data-filter=queue]');
  const item = page.locator('#conversations li.conv', { hasText: name });
  await item.waitFor({ state: 'visible' });
  await item.click();
  await page.waitForFunction(n => document.querySelector('#chat-title')?.textContent === n, name);
  await page.locator('#chat-post').waitFor({ state: 'visible' });
}

async function answer(page, text) {
  await page.fill('#reply-text', text);
  await page.click('#reply-send');
  await page.waitForFunction(t => [...document.querySelectorAll('#messages li.msg-out')]
    .some(li => li.textContent.includes(t) && li.querySelector('.st-sent')), text);
}

await run('comments', async (browser, current) => {
  const page = current.page = await signIn(browser, 'operator');
  await openFromQueue(page, env.MEMBER_ONE);
  const post = await page.locator('#chat-post-text').textContent();
  check(post.includes('Собрание профкома'), 'the post is quoted: ' + post);
  check((await page.locator('#chat-post-link').getAttribute('href')).startsWith('https://vk.com/wall-'), 'the post is linked');
  const deleted = page.locator('#messages li.msg-deleted', { hasText: 'Комментарий удалён' });
  await deleted.waitFor({ state: 'visible' });
  check(await deleted.locator('.text').evaluate(e => getComputedStyle(e).textDecorationLine === 'line-through'), 'the deleted comment is struck through');
  check(await page.locator('#reply-thread').isChecked(), '«В ветке» is the default');
  await answer(page, 'Да, приходите с детьми, будет детская комната.');
  await page.screenshot({ path: `${shots}/social-comment.png` });

  const phone = current.page = await signIn(browser, 'operator', { viewport: { width: phoneWidth, height: 844 } });
  await openFromQueue(phone, env.MEMBER_TWO);
  await phone.check('#reply-private');
  await answer(phone, 'Напишу вам подробно в личные сообщения.');
  await phone.locator('#messages li.msg-out .private-mark').first().waitFor({ state: 'visible' });
  check(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scroll at 390 px');
  await phone.screenshot({ path: `${shots}/social-comment-390.png` });
});
