// The secretary registers an appeal card as an incoming document from
// /appeals and lands on the document. A chairman (who cannot register)
// sees no button. Started by web/appeal_document_browser_test.go.
import { base, check, env, run, shoot, signIn } from './harness.mjs';

const appeal = env.PROFHUB_APPEAL;

const viewport = { width: 1366, height: 900 };

await run('appeal-document', async (browser, current) => {
  const chair = current.page = await signIn(browser, 'chairman', { viewport });
  await chair.goto(base + '/appeals?id=' + appeal);
  await chair.waitForSelector('#a-card h2');
  check(await chair.locator('#a-to-document').count() === 0, 'the chairman sees the register button');

  const sec = current.page = await signIn(browser, 'secretary', { viewport });
  await sec.goto(base + '/appeals?id=' + appeal);
  await sec.waitForSelector('#a-to-document');
  await shoot(sec, 'appeal-to-document');
  await sec.click('#a-to-document');
  await sec.waitForURL(/\/documents#doc\//);
  await sec.waitForSelector('#decide, #docs-view h1');
  const text = await sec.locator('#docs-view').innerText();
  check(text.includes('Незаконное увольнение'), 'the document card shows the appeal subject: ' + text.slice(0, 300));
  check(text.includes('ВХ-'), 'the document has an incoming number');
  await shoot(sec, 'appeal-document-card', { fullPage: true });
  check(sec.errors.length === 0 && chair.errors.length === 0, 'console errors: ' + sec.errors.concat(chair.errors).join('; '));
  console.log('appeal → incoming document: ok');
});
