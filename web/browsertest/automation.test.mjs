// Automation in real Chromium, started by web/automation_browser_test.go:
// an administrator builds the "взнос" rule in the rules editor (label it,
// route it to the dues line «Взносы»), a member writes through the API
// channel and the conversation ends up on that line with the label; an
// operator runs a macro on one conversation and closes two at once. The
// administrator also builds «Обращение заведено — поблагодарить» (when an
// appeal is filed, send a line's quick answer), at 1366 and 390 px, and
// it answers when the operator files an appeal from Анна's conversation.
import { base, check, env, phoneWidth, run, shoot, signIn } from './harness.mjs';

// fits waits until nothing on the page is wider than the window (the
// layout settles after a resize), and says what overflowed if it never does.
async function fits(page, what) {
  try {
    await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth &&
      Array.from(document.querySelectorAll('#rule-form, #rule-form *')).every(e => e.getBoundingClientRect().right <= window.innerWidth + 1),
    null, { timeout: 10000 });
  } catch (e) {
    const wide = await page.evaluate(() => Array.from(document.querySelectorAll('#rule-form, #rule-form *'))
      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)
      .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; '));
    check(false, `${what} overflows ${await page.evaluate(() => window.innerWidth)} px: ${wide}`);
  }
}

// write posts a member's message to the API channel, as a site would.
async function write(contact, name, id, text) {
  const r = await fetch(`${base}/hooks/api/${env.PROFHUB_CHANNEL}/messages`, {
    method: 'POST', headers: { Authorization: 'Bearer ' + env.PROFHUB_CHANNEL_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ contact: { id: contact, name }, message: { id, text } })
  });
  check(r.ok, `message ${id}: ${r.status} ${await r.text()}`);
}

await run('automation', async (browser, current) => {
  // The administrator builds the rule.
  const boss = current.page = await signIn(browser, 'boss', { path: '/settings/automation', dialogs: true });
  await boss.waitForSelector('#rule-list li');
  await boss.click('#rule-new');
  const form = boss.locator('#rule-form');
  await form.locator('input[name=name]').fill('Взносы — на линию взносов');
  await form.locator('select[name=on]').selectOption('message');
  await boss.click('#rule-add-condition');
  const cond = boss.locator('#rule-conditions .step').first();
  check(await cond.locator('.step-kind').inputValue() === 'words', 'a new condition looks for words');
  await cond.locator('.step-value').fill('взнос');
  const first = boss.locator('#rule-actions .step').first();
  await first.locator('.step-kind').selectOption('label');
  await first.locator('.step-value').selectOption({ label: 'Взносы' });
  await boss.click('#rule-add-action');
  const second = boss.locator('#rule-actions .step').nth(1);
  await second.locator('.step-kind').selectOption('route_line');
  await second.locator('.step-value').selectOption({ label: 'Взносы' });
  await shoot(form, 'rules-editor');
  // an empty step is refused in Russian, nothing saved
  await boss.click('#rule-add-action');
  await boss.locator('#rule-actions .step').nth(2).locator('.step-kind').selectOption('reply');
  await form.locator('button.primary').click();
  await boss.waitForSelector('#rule-error:not([hidden])');
  const refusal = await boss.locator('#rule-error').textContent();
  check(refusal.includes('Заполните значение'), 'an empty reply is refused in Russian: ' + refusal);
  await boss.locator('#rule-actions .step').nth(2).locator('button.danger').click();
  await form.locator('button.primary').click();
  await boss.waitForSelector('#rule-form', { state: 'hidden' });
  await boss.waitForSelector('#rule-list li b:has-text("Взносы — на линию взносов")');
  const summary = await boss.locator('#rule-list li .auto-summary').first().textContent();
  check(summary.includes('Поставить метку') && summary.includes('Передать в линию'), 'the list sums the rule up: ' + summary);
  await shoot(boss.locator('#auto-page'), 'rules-list');

  // The appeal rule: when an appeal is filed, thank with a line's quick
  // answer. The webhook step lists the enabled endpoint.
  await boss.click('#rule-new');
  await form.waitFor({ state: 'visible' });
  await form.locator('input[name=name]').fill('Обращение заведено — поблагодарить');
  await form.locator('select[name=on]').selectOption('appeal');
  const thank = boss.locator('#rule-actions .step').first();
  await thank.locator('.step-kind').selectOption('template');
  await thank.locator('.step-value').selectOption({ label: 'Общая линия · /spasibo' });
  await boss.click('#rule-add-action');
  const hook = boss.locator('#rule-actions .step').nth(1);
  await hook.locator('.step-kind').selectOption('webhook');
  await hook.locator('.step-value option', { hasText: 'crm.example.org/hooks/profhub' }).waitFor({ state: 'attached' });
  await boss.waitForSelector('.toast', { state: 'detached', timeout: 15000 }); // the first rule's "saved" goes
  await shoot(form, 'automation-rules');
  const size = boss.viewportSize();
  await boss.setViewportSize({ width: phoneWidth, height: size.height });
  await fits(boss, 'the rule form');
  await boss.setViewportSize(size);
  await hook.locator('button.danger').click();
  await boss.locator('#rule-actions .step').nth(1).waitFor({ state: 'detached' });
  await form.locator('button.primary').click();
  await boss.waitForSelector('#rule-form', { state: 'hidden' });
  const appealRule = boss.locator('#rule-list li', { hasText: 'Обращение заведено — поблагодарить' });
  await appealRule.waitFor();
  const appealSummary = await appealRule.locator('.auto-summary').textContent();
  check(appealSummary.includes('Создано обращение') && appealSummary.includes('Отправить быстрый ответ'), 'the appeal rule summed up: ' + appealSummary);
  await shoot(boss.locator('#auto-page'), 'automation-rules-list');
  // the editor of the saved rule at a phone's width
  await appealRule.locator('button', { hasText: 'Изменить' }).click();
  await form.waitFor({ state: 'visible' });
  await boss.setViewportSize({ width: phoneWidth, height: size.height });
  await fits(boss, 'the saved rule in the form');
  await boss.setViewportSize(size);
  await boss.click('#rule-cancel');
  await boss.waitForSelector('#rule-form', { state: 'hidden' });
  // (the one 422 is the refused empty step above)
  check(boss.errors.filter(e => !e.includes('422')).length === 0, 'admin page errors: ' + boss.errors.join('; '));

  // Members write: one about dues, three about other things.
  await write('m1', 'Анна Петрова', 'a1', 'Здравствуйте! Как оплатить членские ВЗНОСЫ за декабрь?');
  await write('m2', 'Иван Смирнов', 'a2', 'Подскажите, сколько дней отпуска мне положено?');
  await write('m3', 'Ольга Кузнецова', 'a3', 'Нужна консультация юриста');
  await write('m4', 'Пётр Иванов', 'a4', 'Спасибо, вопрос решён');

  // op2 answers both lines: Анна's conversation is on «Взносы», labelled.
  const op2 = current.page = await signIn(browser, 'op2', { path: '/inbox' });
  await op2.click('.tabs button[data-filter=all]');
  const anna = op2.locator('#conversations li.conv', { hasText: 'Анна Петрова' });
  await anna.locator('.label-chip', { hasText: 'Взносы' }).waitFor({ timeout: 30000 });
  const sub = await anna.locator('.conv-sub').textContent();
  check(sub.startsWith('Взносы ·'), 'Анна is on the dues line: ' + sub);
  check(!(await op2.locator('#conversations li.conv', { hasText: 'Иван Смирнов' }).locator('.label-chip').count()), 'Иван is not labelled');
  await anna.locator('.bulk-check').check(); // the list with its bulk bar, on a phone too
  await op2.waitForSelector('#bulk-bar:not([hidden])');
  await shoot(op2, 'console-labels');
  await anna.locator('.bulk-check').uncheck();
  await anna.click();
  await op2.waitForSelector('#messages li:has-text("Правило «Взносы — на линию взносов»")');
  // An appeal from Анна's conversation: the appeal rule thanks her.
  await op2.click('#act-appeal');
  await op2.waitForSelector('#appeal-dialog[open]');
  await op2.fill('#appeal-form input[name=subject]', 'Оплата членских взносов за декабрь');
  await op2.click('#appeal-form button.primary');
  await op2.waitForSelector('#messages li:has-text("Создано обращение №")', { timeout: 30000 });
  await op2.waitForSelector('#messages li:has-text("Правило «Обращение заведено — поблагодарить»")', { timeout: 30000 });
  await op2.waitForSelector('#messages li:has-text("Спасибо! Ваше обращение зарегистрировано")', { timeout: 30000 });

  // op1: a macro on Иван's conversation, then two closed at once.
  const op1 = current.page = await signIn(browser, 'op1', { path: '/inbox', dialogs: true });
  await op1.click('.tabs button[data-filter=queue]');
  await op1.locator('#conversations li.conv', { hasText: 'Иван Смирнов' }).click();
  // The macro waits for the take to land: run at once, its reply would
  // race the take for the waiting conversation and one of them get 409.
  await Promise.all([
    op1.waitForResponse(r => r.url().endsWith('/take') && r.request().method() === 'POST' && r.ok()),
    op1.click('#act-take'),
  ]);
  await op1.waitForSelector('#act-take', { state: 'hidden' });
  await op1.waitForSelector('#act-macro:not([hidden])');
  await op1.locator('#act-macro').selectOption({ label: 'Ответить и закрыть' });
  await op1.waitForSelector('#messages li:has-text("Макрос «Ответить и закрыть»")');
  await op1.waitForSelector('#act-reopen:not([hidden])');
  check((await op1.locator('#messages').textContent()).includes('Спасибо за обращение!'), 'the macro replied');

  await op1.click('.tabs button[data-filter=all]');
  for (const who of ['Ольга Кузнецова', 'Пётр Иванов']) {
    await op1.locator('#conversations li.conv', { hasText: who }).locator('.bulk-check').check();
  }
  await op1.waitForSelector('#bulk-bar:not([hidden])');
  await op1.locator('#bulk-action').selectOption('close');
  await shoot(op1, 'console-bulk');
  await op1.click('#bulk-apply');
  await op1.waitForSelector('#bulk-result:has-text("Выполнено: 2 из 2")');
  check(!(await op1.locator('#conversations li.conv', { hasText: 'Ольга Кузнецова' }).count()), 'closed conversations leave the open list');
  await op1.click('.tabs button[data-filter=closed]');
  await op1.locator('#conversations li.conv', { hasText: 'Пётр Иванов' }).waitFor();
  check(op1.errors.length === 0, 'console errors: ' + op1.errors.join('; '));
});
