// «Отправить переписку» in the console, started by
// widget/transcript_browser_test.go: the operator opens a site-chat
// conversation whose visitor left her address, confirms sending the
// transcript there, and is told where it went.
import { check, env, run, shoot, signIn } from './harness.mjs';

const T = { timeout: 30000 };

await run('console-transcript', async (browser, current) => {
  const op = current.page = await signIn(browser, 'op1', { path: '/inbox?c=' + env.PROFHUB_CONV });
  const asked = [];
  op.on('dialog', d => { asked.push(d.message()); d.accept(); });
  await op.waitForSelector('#act-transcript:not([hidden])', T);
  await shoot(op, 'console-transcript');
  await op.click('#act-transcript');
  await op.waitForFunction(() => document.body.textContent.includes('Переписка отправлена на anna@example.org'), null, T);
  check(asked.length === 1 && asked[0].includes('anna@example.org'), 'the operator confirmed the visitor\'s own address: ' + asked.join(' | '));
});
