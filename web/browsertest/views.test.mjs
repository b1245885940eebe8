// Saved views and contact labels in real Chromium, started by
// web/views_browser_test.go. Every check waits for what it looks at.
import { base, check, env, run, shoot, signIn } from './harness.mjs';

async function write(contact, name, id, text) {
  const r = await fetch(`${base}/hooks/api/${env.PROFHUB_CHANNEL}/messages`, {
    method: 'POST', headers: { Authorization: 'Bearer ' + env.PROFHUB_CHANNEL_TOKEN, 'Content-Type': 'application/json' },
    body: JSON.stringify({ contact: { id: contact, name }, message: { id, text } })
  });
  check(r.ok, `message ${id}: ${r.status} ${await r.text()}`);
}

// rows waits until the list shows exactly these contacts.
async function rows(page, names) {
  const want = [...names].sort().join('|');
  await page.waitForFunction(w => {
    const got = [...document.querySelectorAll('#conversations li.conv .conv-name')].map(b => b.textContent).sort().join('|');
    return got === w;
  }, want, { timeout: 20000 });
}

await run('views', async (browser, current) => {
  await write('m1', 'Анна Петрова', 'v1', 'Здравствуйте! Как оплатить членские взносы?');
  await write('m2', 'Иван Смирнов', 'v2', 'Сколько дней отпуска мне положено?');
  await write('m3', 'Ольга Кузнецова', 'v3', 'Нужна консультация юриста');

  const op = current.page = await signIn(browser, 'op1', { path: '/inbox', dialogs: true });
  await op.click('.tabs button[data-filter=all]');
  await rows(op, ['Анна Петрова', 'Иван Смирнов', 'Ольга Кузнецова']);

  // A contact label from the contact pane: a chip on the row.
  await op.locator('#conversations li.conv', { hasText: 'Анна Петрова' }).click();
  await op.waitForSelector('#act-contact-label option:has-text("Постоянный")', { state: 'attached' });
  await op.locator('#act-contact-label').selectOption({ label: 'Постоянный' });
  await op.waitForSelector('#contact-label-chips .label-chip.contact:has-text("Постоянный")');
  await op.locator('#conversations li.conv', { hasText: 'Анна Петрова' }).locator('.label-chip.contact:has-text("Постоянный")').waitFor();
  await op.waitForSelector('#messages li:has-text("Контакту поставлена метка")');

  // The filter by it, saved as a view.
  await op.locator('#contact-label-filter').selectOption({ label: 'Постоянный' });
  await rows(op, ['Анна Петрова']);
  await op.click('#view-save');
  await op.locator('#view-form input[name=name]').fill('Постоянные');
  await op.click('#view-create');
  await op.waitForSelector('#view-dialog', { state: 'hidden' });
  await op.waitForSelector('#view-pick option:has-text("Постоянные (1)")', { state: 'attached' });

  // The colleague's shared view is listed with its count; their personal one is not.
  await op.waitForSelector('#view-pick option:has-text("Вся общая линия (3) · общий, чужой")', { state: 'attached' });
  check(!(await op.locator('#view-pick option', { hasText: 'Личный вид коллеги' }).count()), 'a colleague\'s personal view is not listed');

  // Back to everything, then the view again.
  await op.locator('#contact-label-filter').selectOption('');
  await rows(op, ['Анна Петрова', 'Иван Смирнов', 'Ольга Кузнецова']);
  await op.locator('#view-pick').selectOption({ label: 'Постоянные (1)' });
  await rows(op, ['Анна Петрова']);
  await op.waitForFunction(() => document.getElementById('contact-label-filter').selectedOptions[0].textContent === 'Постоянный');
  await op.waitForSelector('#view-delete:not([hidden])');

  // A view whose label is gone opens with the rest and says what is missing.
  await op.locator('#view-pick').selectOption({ label: 'Старый вид (3)' });
  await op.waitForSelector('#view-missing:not([hidden]):has-text("метки «Временная»")');
  await rows(op, ['Анна Петрова', 'Иван Смирнов', 'Ольга Кузнецова']);
  await op.locator('#conversations li.conv', { hasText: 'Анна Петрова' }).locator('.label-chip.contact:has-text("Постоянный")').waitFor();
  await shoot(op, 'console-views');

  check(op.errors.length === 0, 'console errors: ' + op.errors.join('; '));
});
