// The secretary imports members from a ';' CSV in Windows-1251 with a
// title line (what Excel in Russia writes): the wizard reads the file, the
// dry run shows every row's problem (and offers them as XLSX), she uploads
// the corrected file, imports it with the progress bar and undoes the
// batch. Files that are not tables get a Russian message and change
// nothing; an executor is offered no import. Started by
// web/import_browser_test.go.
import { base, check, env, run, shoot, signIn } from './harness.mjs';
import { readFileSync } from 'node:fs';

const dir = env.PROFHUB_IMPORT_DIR;
const rows = Number(env.PROFHUB_IMPORT_ROWS);
const viewport = { width: 1366, height: 900 };
const count = (page, q) => page.evaluate(q => fetch('/api/v1/crm/members?limit=1&q=' + encodeURIComponent(q)).then(r => r.json()).then(j => j.total), q);

await run('import', async (browser, current) => {
  // An executor may not edit the registry: no link, and the page refuses.
  const exec = current.page = await signIn(browser, 'executor', { viewport, path: '/members' });
  await exec.waitForSelector('#m-filters');
  check(await exec.locator('#m-import').count() === 0, 'the executor is offered the import');
  const refused = await exec.goto(base + '/members/import');
  check(refused.status() === 403, 'the executor opens the wizard: ' + refused.status());

  const sec = current.page = await signIn(browser, 'secretary', { viewport, path: '/members' });
  await sec.click('#m-import');
  await sec.waitForURL(base + '/members/import');
  await sec.waitForSelector('#imp-unit option:nth-child(2)', { state: 'attached' });
  const before = await count(sec, 'Импорт');

  // Not a table, and a CSV in an unknown encoding: a Russian message each.
  const upload = async (name) => {
    await sec.setInputFiles('#imp-upload input[type=file]', dir + '/' + name);
    await sec.click('#imp-upload button.primary');
  };
  await upload('photo.png');
  await sec.waitForSelector('#imp-error:not([hidden])');
  let msg = await sec.locator('#imp-error').textContent();
  check(msg.includes('Это не таблица'), 'a picture: ' + msg);
  await upload('koi8.csv');
  await sec.waitForFunction(() => document.querySelector('#imp-error').textContent.includes('кодировка'));
  check(!(await sec.locator('#imp-map').isVisible()), 'a refused file went on');

  // The registry with its title line: read as Windows-1251, ';', header in row 2.
  await upload('reestr.csv');
  await sec.waitForSelector('#imp-map:not([hidden])');
  check(await sec.locator('#imp-error').isHidden(), 'the error stays after a good file');
  const summary = await sec.locator('#imp-summary').innerText();
  for (const want of ['CSV', 'Windows-1251', 'точка с запятой', 'Шапка таблицы в строке: 2', 'строк названия над ней: 1', 'Строк с данными: 4']) {
    check(summary.includes(want), 'the summary lacks ' + want + ': ' + summary);
  }
  const guessed = await sec.$$eval('#imp-columns select', ss => ss.map(s => s.dataset.heading + '=' + s.value).join(' '));
  check(guessed === 'Фамилия=surname Имя=given_name Отчество=patronymic Дата рождения=birth_date Телефон=phone № профбилета=card_number',
    'the guessed fields: ' + guessed);
  check((await sec.locator('#imp-columns').innerText()).includes('Импортова'), 'the samples are shown');
  await sec.selectOption('#imp-unit', { index: 1 });
  await shoot(sec, 'crm-import-columns', { fullPage: true });

  // The dry run: two problems, in Russian, nothing written.
  await sec.click('#imp-check');
  await sec.waitForSelector('#imp-check-result:not([hidden])');
  await sec.waitForSelector('#imp-problems tr.imp-problem');
  const problems = await sec.locator('#imp-problems tr.imp-problem').allInnerTexts();
  check(problems.length === 2, 'two problems: ' + problems.join(' | '));
  check(problems[0].includes('5') && problems[0].includes('Дата рождения') && problems[0].includes('Не дата'), 'the date problem: ' + problems[0]);
  check(problems[1].includes('6') && problems[1].includes('Телефон') && problems[1].includes('Непонятный номер'), 'the phone problem: ' + problems[1]);
  check((await sec.locator('#imp-counts').textContent()).includes('Будет создано: 2'), 'the counts: ' + await sec.locator('#imp-counts').textContent());
  check(await count(sec, 'Импорт') === before, 'the dry run wrote cards');
  const [download] = await Promise.all([sec.waitForEvent('download'), sec.click('#imp-problems-xlsx')]);
  const xlsx = readFileSync(await download.path());
  check(xlsx.length > 1000 && xlsx.subarray(0, 2).toString() === 'PK', 'the problems workbook: ' + xlsx.length + ' bytes');
  check(download.suggestedFilename() === 'import-problems.xlsx', 'the workbook is named ' + download.suggestedFilename());
  await shoot(sec, 'crm-import-check', { fullPage: true });

  // She corrects the file and uploads it again: no problems left.
  await sec.click('#imp-reupload');
  await sec.waitForSelector('#imp-upload:not([hidden])');
  await upload('reestr-ispr.csv');
  await sec.waitForSelector('#imp-map:not([hidden])');
  await sec.selectOption('#imp-unit', { index: 1 });
  await sec.click('#imp-check');
  await sec.waitForFunction(n => (document.querySelector('#imp-counts').textContent || '').includes('Будет создано: ' + n), rows);
  check(await sec.locator('#imp-problems-box').isHidden(), 'problems left in the corrected file');

  // The import: the progress bar fills, live.
  await sec.evaluate(() => {
    window.seen = [];
    new MutationObserver(() => window.seen.push(document.querySelector('#imp-progress-text').textContent))
      .observe(document.querySelector('#imp-progress-text'), { childList: true, characterData: true, subtree: true });
  });
  const batchRequests = [];
  sec.on('request', r => { if (r.url().includes('/api/v1/crm/import-batches/')) batchRequests.push(r.url()); });
  await sec.click('#imp-run');
  await sec.waitForSelector('#imp-progress-box:not([hidden])');
  await sec.waitForFunction(() => document.querySelector('#imp-progress-text').textContent.startsWith('Загрузка завершена'), null, { timeout: 60000 });
  const bar = await sec.$eval('#imp-progress', p => [p.value, p.max]);
  check(bar[0] === rows && bar[1] === rows, 'the bar at the end: ' + bar);
  const seen = await sec.evaluate(() => window.seen);
  check(seen.some(s => s.startsWith('Загружено строк')), 'the progress was shown: ' + seen.join(' | '));
  // The progress came over the server's event stream, not by asking.
  check(batchRequests.some(u => u.endsWith('/events')) && !batchRequests.some(u => !u.endsWith('/events')),
    'the progress requests: ' + batchRequests.join(' | '));
  check((await sec.locator('#imp-progress-text').textContent()).includes('создано: ' + rows), 'the result: ' + await sec.locator('#imp-progress-text').textContent());
  check(await count(sec, 'Импорт') === before + 4, 'the cards are in the registry');
  await shoot(sec, 'crm-import-done');

  // The undo of the whole batch.
  sec.once('dialog', d => d.accept());
  await sec.click('#imp-undo');
  await sec.waitForFunction(() => document.querySelector('#imp-undone').textContent.includes('Загрузка отменена'), null, { timeout: 60000 });
  const undone = await sec.locator('#imp-undone').textContent();
  check(undone.includes('удалено карточек: ' + rows), 'the undo: ' + undone);
  check(await count(sec, 'Импорт') === before && await count(sec, 'Загрузкин') === 0, 'cards left after the undo');
  check(await sec.locator('#imp-undo').isHidden(), 'the undo is offered again');
  await shoot(sec, 'crm-import-undone');
  // The refusals above are answered 422 (the files) and 403 (the
  // executor's page), which the browser logs; nothing else may be.
  const unexpected = sec.errors.filter(e => !e.includes('status of 422')).concat(exec.errors.filter(e => !e.includes('status of 403')));
  check(unexpected.length === 0, 'console errors: ' + unexpected.join('; '));
  console.log('import wizard: ok');
});
