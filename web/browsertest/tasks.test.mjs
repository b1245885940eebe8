// Tasks in real Chromium, started by web/tasks_browser_test.go: a
// chairman assigns a task from a document and sees it done.
import { check, env, run, shoot, signIn } from './harness.mjs';

const title = 'Подготовить проект повестки конференции';
const T = { timeout: 30000 };

await run('tasks', async (browser, current) => {
  const chair = current.page = await signIn(browser, 'chair', { path: '/documents#doc/' + env.PROFHUB_DOC });
  await chair.waitForSelector('#doc-tasks', T);
  await chair.click('#doc-task-new');
  await chair.waitForSelector('#task-form select[name=assignee_id] option:nth-child(2)', { ...T, state: 'attached' });
  const src = await chair.locator('.task-source-line').textContent();
  check(src.includes(env.PROFHUB_DOC_NUMBER), 'the form names the document: ' + src);
  await chair.fill('#task-form input[name=title]', title);
  await chair.fill('#task-form textarea[name=description]', 'Собрать предложения комитетов и согласовать регламент.');
  // no assignee: refused in Russian
  await chair.click('#task-create');
  await chair.waitForSelector('#task-form-error:not([hidden])', T);
  const refusal = await chair.locator('#task-form-error').textContent();
  check(refusal.includes('Выберите исполнителя'), 'no assignee is refused in Russian: ' + refusal);
  await chair.selectOption('#task-form select[name=assignee_id]', { label: 'Тест exec' });
  await chair.fill('#task-form textarea[name=checklist]', 'Собрать предложения комитетов\nСогласовать регламент с юристом');
  await shoot(chair, 'tasks-form');
  await chair.click('#task-create');
  await chair.waitForSelector('#task-card', T);
  check((await chair.locator('#task-status').textContent()) === 'Новая', 'a new task');
  check((await chair.locator('#task-source').textContent()).includes(env.PROFHUB_DOC_NUMBER), 'the task links back to the document');

  // The executor, in a second browser context.
  const ex = current.page = await signIn(browser, 'exec', { path: '/tasks#mine' });
  const item = ex.locator('#task-list li', { hasText: title });
  await item.waitFor(T);
  await item.locator('a.task-title').click();
  await ex.click('#task-card button[data-act=start]', T);
  await ex.waitForSelector('#task-status:text("В работе")', T);
  // each tick redraws the card from the server's answer: wait for it
  for (let i = 0; i < 2; i++) {
    await ex.locator('.task-checklist li').nth(i).locator('input[type=checkbox]').click();
    await ex.waitForSelector(`#task-view-checklist h2:text("Чек-лист · ${i + 1} из 2")`, T);
  }
  await ex.click('#task-card button[data-act=submit]', T);
  await ex.waitForSelector('#task-status:text("На проверке")', T);

  // The chairman accepts it.
  current.page = chair;
  await chair.goto(env.PROFHUB_BASE + '/tasks#assigned');
  const mine = chair.locator('#task-list li', { hasText: title });
  await mine.waitFor(T);
  check((await mine.textContent()).includes('На проверке'), 'the list shows it awaiting check');
  await shoot(chair, 'tasks-list');
  await mine.locator('a.task-title').click();
  await chair.click('#task-card button[data-act=accept]', T);
  await chair.waitForSelector('#task-status:text("Выполнена")', T);
  const hist = await chair.locator('#task-history').textContent();
  check(hist.includes('Тест exec сдал(а) на проверку') && hist.includes('Тест chair принял(а) задачу'), 'the history names people: ' + hist);
  await shoot(chair, 'tasks', { fullPage: true });

  // and on the document's block
  await chair.goto(env.PROFHUB_BASE + '/documents#doc/' + env.PROFHUB_DOC);
  const row = chair.locator('#doc-tasks li', { hasText: title });
  await row.waitFor(T);
  check((await row.textContent()).includes('Выполнена'), 'the document shows the task done: ' + await row.textContent());
  await shoot(chair.locator('#doc-tasks'), 'tasks-document');
});
