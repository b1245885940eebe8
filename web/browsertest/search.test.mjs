// The search in the console in real Chromium: an operator types one form
// of a word and finds the conversations whose messages hold another form,
// with the matching words marked; the filters narrow the result. Started
// by web/search_browser_test.go.
import { base, check, env, run, shoot, signIn } from './harness.mjs';

async function post(contact, id, text) {
  const r = await fetch(`${base}/hooks/api/${env.PROFHUB_CHANNEL}/messages`, {
    method: 'POST',
    headers: { 'Authorization': 'Bearer ' + env.PROFHUB_CHANNEL_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ contact: { id: contact, name: contact }, message: { id, text } }),
  });
  check(r.status === 201, 'inbound message accepted, got ' + r.status);
  return r.json();
}

await run('search', async (browser, current) => {
  await post('Петрова Анна Сергеевна', 's-1', 'Добрый день! Подскажите, когда платить членские взносы за декабрь?');
  await post('Сидоров Иван Петрович', 's-2', 'Вопрос про отпуск и график смен на январь');
  await post('Кузнецова Ольга Николаевна', 's-3', 'Сколько взносов удерживают с премии? В расчётном листке не видно.');

  const op = current.page = await signIn(browser, 'op1', { path: '/inbox' });
  await op.waitForSelector('#conversations li');
  await op.click('.tabs button[data-filter="queue"]');
  await op.waitForSelector('#conversations li.conv >> text=Сидоров');

  // The index is written within a second of a message; type again until
  // the search sees it.
  const marks = op.locator('#conversations .conv-match mark');
  for (let i = 0; i < 20 && await marks.count() < 2; i++) {
    await op.fill('#text-search', '');
    await op.fill('#text-search', 'взносы');
    await op.waitForTimeout(800);
  }
  const names = await op.locator('#conversations li.conv .conv-name').allTextContents();
  check(JSON.stringify(names) === JSON.stringify(['Кузнецова Ольга Николаевна', 'Петрова Анна Сергеевна']),
    'the two conversations about dues, newest first: ' + JSON.stringify(names));
  check(JSON.stringify(await marks.allTextContents()) === JSON.stringify(['взносов', 'взносы']), 'the matching forms are marked');
  check(await op.locator('.tabs').isHidden(), 'the tabs give way to the search filters');
  const first = await op.locator('#conversations li.conv').first().locator('.conv-match').textContent();
  check(first.startsWith('Пишет: Сколько взносов'), 'the match says who wrote it: ' + first);
  await op.click('#search-more summary');
  await shoot(op, 'inbox-search');

  // Two words: both must be in one message.
  await op.fill('#text-search', 'взносы премия');
  await op.waitForFunction(() => document.querySelectorAll('#conversations li.conv').length === 1);
  check((await op.locator('#conversations li.conv .conv-name').textContent()).startsWith('Кузнецова'), 'both words in one message');

  // The filters narrow it: nothing closed matches, then a date range.
  await op.fill('#text-search', 'взносы');
  await op.waitForFunction(() => document.querySelectorAll('#conversations li.conv').length === 2);
  await op.selectOption('#status-filter', 'closed');
  await op.waitForSelector('#conversations li.none');
  await op.selectOption('#status-filter', 'waiting');
  await op.waitForFunction(() => document.querySelectorAll('#conversations li.conv').length === 2);
  await op.fill('#from-filter', '2020-01-01');
  await op.fill('#to-filter', '2020-12-31');
  await op.waitForSelector('#conversations li.none');
  await op.fill('#from-filter', '');
  await op.fill('#to-filter', '');
  await op.waitForFunction(() => document.querySelectorAll('#conversations li.conv').length === 2);

  // A result opens its conversation.
  await op.click('#conversations li.conv >> text=Петрова');
  await op.waitForSelector('.msg-in .text >> text=членские взносы');

  // Clearing the search brings the tabs and their list back.
  await op.fill('#text-search', '');
  await op.waitForSelector('#conversations li.conv >> text=Сидоров');
  check(await op.locator('.tabs').isVisible(), 'the tabs are back');

  const errs = op.errors.filter(e => !e.includes('favicon'));
  check(errs.length === 0, 'no console errors or dialogs: ' + JSON.stringify(errs));
  console.log('search e2e passed');
});
