// «Поставить задачу» from the console, started by
// web/console_task_browser_test.go on a hub the demo filled: operator1
// opens one of her conversations, sets a task from it for a colleague,
// and the task's card links back to the conversation, which opens in the
// console.
import { base, check, run, shoot, signIn } from './harness.mjs';

const T = { timeout: 30000 };
const title = 'Перезвонить члену профсоюза о выплате материальной помощи';

await run('console-task', async (browser, current) => {
  const op = current.page = await signIn(browser, 'operator1', { dialogs: true, path: '/inbox' });
  await op.waitForSelector('#conversations li', T);
  await op.locator('#conversations li').first().click();
  await op.waitForSelector('#act-task:not([hidden])', T);
  const name = (await op.locator('#chat-title').textContent()).trim();
  check(name.length > 0, 'a conversation is open');
  await shoot(op, 'console-task-button');
  await op.click('#act-task');
  await op.waitForURL(/\/tasks#new\?/, T);
  await op.waitForSelector('#task-form select[name=assignee_id] option:nth-child(2)', { ...T, state: 'attached' });
  const src = await op.locator('.task-source-line').textContent();
  check(src.includes('Диалог') && src.includes(name), 'the form names the conversation: ' + src);
  await op.fill('#task-form input[name=title]', title);
  const someone = await op.locator('#task-form select[name=assignee_id] option').nth(1).textContent();
  await op.selectOption('#task-form select[name=assignee_id]', { label: someone });
  await shoot(op, 'console-task-form');
  await op.click('#task-create');
  await op.waitForSelector('#task-card', T);
  const back = op.locator('a#task-source');
  check((await back.textContent()).includes(name), 'the task links back to the conversation: ' + await back.textContent());
  await back.click();
  await op.waitForURL(/\/inbox\?c=/, T);
  await op.waitForFunction((n) => document.getElementById('chat-title').textContent.trim() === n, name, T);
  check(op.url().startsWith(base + '/inbox'), 'back in the console');
});
