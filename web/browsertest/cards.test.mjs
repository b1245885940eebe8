// The cards journey in real Chromium, on the demo federation: the
// administrator defines a typed custom field; the secretary creates a
// member filling it (a wrong-typed value and a missing required one are
// refused beside the field, in Russian), edits the card, sees the change
// in its history under her full name, archives and restores it; then an
// organisation's card is edited, archived and restored. Desktop and
// 390 px. Started by web/cards_browser_test.go.
import { base, check, env, run, shoot, signIn } from './harness.mjs';

const viewport = { width: 1366, height: 900 };
const cyrillicOnly = s => !/[A-Za-z]{3,}/.test(s.replace(/e-mail/gi, ''));

await run('cards', async (browser, current) => {
  // The secretary may not define fields: no page for her.
  const sec = current.page = await signIn(browser, 'secretary', { viewport });
  const refused = await sec.goto(base + '/admin/custom-fields');
  check(refused.status() === 403, 'the secretary opens the fields page: ' + refused.status());

  // The administrator adds a required number field for members.
  const admin = current.page = await signIn(browser, 'admin', { viewport, password: env.PROFHUB_ADMIN_PASSWORD, path: '/settings' });
  await admin.click('a[href="/admin/custom-fields"]');
  await admin.waitForSelector('#cf-table tr[data-key="stazh"]');
  check(await admin.locator('#cf-table tr[data-key]').count() === 3, 'the demo defines three member fields');
  await admin.click('#cf-add');
  await admin.fill('#cf-form input[name=label]', 'Количество детей');
  await admin.selectOption('#cf-form select[name=kind]', 'number');
  await admin.check('#cf-form input[name=required]');
  await admin.click('#cf-save');
  await admin.waitForSelector('#cf-table tr[data-key="kolichestvo_detey"]');
  // A list without choices is refused beside its field, in Russian.
  await admin.click('#cf-add');
  await admin.fill('#cf-form input[name=label]', 'Смена');
  await admin.selectOption('#cf-form select[name=kind]', 'choice');
  await admin.click('#cf-save');
  await admin.waitForFunction(() => document.querySelector('#cf-form [data-field=choices] .field-error').textContent !== '');
  const choicesErr = await admin.locator('#cf-form [data-field=choices] .field-error').textContent();
  check(choicesErr.includes('вариант') && cyrillicOnly(choicesErr), 'the choices message: ' + choicesErr);
  await admin.fill('#cf-form textarea[name=choices]', 'Дневная\nНочная');
  await admin.selectOption('#cf-form select[name=unit_id]', { label: 'Областная организация профсоюза работников здравоохранения' });
  await admin.click('#cf-save');
  await admin.waitForSelector('#cf-table tr[data-key="smena"]');
  check((await admin.locator('#cf-table tr[data-key="smena"]').textContent()).includes('здравоохранения'), 'the field\'s scope is shown');
  await shoot(admin, 'crm-custom-fields', { fullPage: true });
  // And a number field for appeals.
  await admin.selectOption('#cf-entity', 'appeal');
  await admin.waitForSelector('#cf-table td.muted');
  await admin.click('#cf-add');
  await admin.fill('#cf-form input[name=label]', 'Сумма помощи, ₽');
  await admin.fill('#cf-form input[name=key]', 'amount');
  await admin.selectOption('#cf-form select[name=kind]', 'number');
  await admin.click('#cf-save');
  await admin.waitForSelector('#cf-table tr[data-key="amount"]');

  // The secretary makes a new card.
  current.page = sec;
  sec.on('dialog', d => d.accept());
  await sec.goto(base + '/members');
  await sec.waitForSelector('#m-table tr.pick');
  await sec.click('#m-new');
  await sec.waitForSelector('#m-form');
  await sec.waitForSelector('#m-form [name="custom.kolichestvo_detey"]');
  check(await sec.locator('#m-form [name="custom.smena"]').count() === 0, 'a health committee field on a card outside it');
  await sec.fill('#m-form input[name=surname]', 'Карточкина');
  await sec.fill('#m-form input[name=given_name]', 'Вера');
  await sec.fill('#m-form input[name=patronymic]', 'Павловна');
  await sec.fill('#m-form input[name=birth_date]', '1988-06-15');
  await sec.fill('#m-form textarea[name=phones]', '8 912 700-11-22');
  await sec.selectOption('#m-form select[name=unit_id]', { label: 'ППО ГАУЗ «ГКБ № 1» г. Оренбурга' });
  await sec.waitForSelector('#m-form [name="custom.smena"]');
  await sec.fill('#m-form [name="custom.kolichestvo_detey"]', 'двое');
  await sec.selectOption('#m-form [name="custom.clothing_size"]', 'M');
  await sec.click('#m-save');
  const fieldError = async (name) => {
    await sec.waitForFunction(n => document.querySelector('#m-form [data-field="' + n + '"] .field-error')?.textContent, name);
    return sec.locator('#m-form [data-field="' + name + '"] .field-error').textContent();
  };
  let msg = await fieldError('custom.kolichestvo_detey');
  check(msg === '«Количество детей»: нужно число, например 12 или 12,5', 'the wrong-typed value: ' + msg);
  await shoot(sec, 'crm-member-card-error', { fullPage: true });
  await sec.fill('#m-form [name="custom.kolichestvo_detey"]', '');
  await sec.click('#m-save');
  await sec.waitForFunction(() => /Заполните/.test(document.querySelector('#m-form [data-field="custom.kolichestvo_detey"] .field-error').textContent));
  msg = await sec.locator('#m-form [data-field="custom.kolichestvo_detey"] .field-error').textContent();
  check(msg === 'Заполните поле «Количество детей»', 'the missing required value: ' + msg);
  // A standard field's message is Russian too.
  await sec.fill('#m-form textarea[name=emails]', 'не-адрес');
  await sec.fill('#m-form [name="custom.kolichestvo_detey"]', '2');
  await sec.click('#m-save');
  msg = await fieldError('emails');
  check(cyrillicOnly(msg) && msg.length > 5, 'the e-mail message: ' + msg);
  await sec.fill('#m-form textarea[name=emails]', 'vera.k@mail.example');
  await sec.click('#m-save');
  await sec.waitForSelector('#m-card h2:has-text("Карточкина Вера Павловна")');
  await sec.waitForSelector('#m-history li.change');
  let card = await sec.locator('#m-card').textContent();
  check(card.includes('Количество детей') && card.includes('Размер одежды') && card.includes('+79127001122'), 'the new card: ' + card);

  // She edits it: a custom value and the position.
  await sec.click('#m-edit');
  await sec.waitForSelector('#m-form [name="custom.kolichestvo_detey"]');
  check(await sec.inputValue('#m-form [name="custom.kolichestvo_detey"]') === '2', 'the form shows the stored number');
  await sec.fill('#m-form [name="custom.kolichestvo_detey"]', '3');
  await sec.fill('#m-form input[name=position]', 'процедурная медсестра');
  await sec.selectOption('#m-form [name="custom.smena"]', 'Ночная');
  await sec.click('#m-save');
  await sec.waitForFunction(() => document.querySelectorAll('#m-history li.change').length === 2);
  const hist = await sec.locator('#m-history').textContent();
  check(hist.includes('Белова Ирина Алексеевна') && !hist.includes('secretary'), 'the history names her in full: ' + hist);
  check(hist.includes('«Количество детей»') && hist.includes('«Смена»') && hist.includes('должность'), 'the history names the changed fields: ' + hist);
  card = await sec.locator('#m-card').textContent();
  check(card.includes('Ночная') && card.includes('процедурная медсестра'), 'the edited card: ' + card);
  await shoot(sec, 'crm-member-card', { fullPage: true });
  await sec.click('#m-edit');
  await sec.waitForSelector('#m-form');
  await shoot(sec, 'crm-member-card-edit', { fullPage: true });
  await sec.click('#m-form button:has-text("Отмена")');

  // Archive: the card leaves the list and comes back from the archive.
  await sec.click('#m-archive');
  await sec.waitForSelector('#m-card .badge.archived');
  await sec.fill('#m-filters input[name=q]', 'Карточкина');
  await sec.click('#m-filters button.primary');
  await sec.waitForFunction(() => document.querySelector('#m-total').textContent.includes(': 0'));
  await sec.selectOption('#m-filters select[name=archived]', 'only');
  await sec.click('#m-filters button.primary');
  await sec.waitForFunction(() => document.querySelectorAll('#m-table tr.pick').length === 1);
  await sec.click('#m-table tr.pick');
  await sec.waitForSelector('#m-archive');
  await sec.click('#m-archive');
  await sec.waitForFunction(() => !document.querySelector('#m-card .badge.archived') && document.querySelectorAll('#m-history li.change').length === 4);
  check((await sec.locator('#m-history').textContent()).includes('возвращена из архива'), 'the restore is in the history');
  // The list filters by a custom field: size M, two demo members and her.
  await sec.fill('#m-filters input[name=q]', '');
  await sec.selectOption('#m-filters select[name=archived]', '');
  await sec.selectOption('#m-filters select[name=custom]', 'clothing_size=M');
  await sec.click('#m-filters button.primary');
  await sec.waitForFunction(() => document.querySelectorAll('#m-table tr.pick').length === 3);
  const sized = await sec.locator('#m-table').textContent();
  check(sized.includes('Карточкина') && sized.includes('Ковалёва') && sized.includes('Фёдорова'), 'the members of size M: ' + sized);
  check((await sec.getAttribute('#m-export', 'href')).includes('custom.clothing_size=M'), 'the export carries the custom filter');
  await sec.click('#m-table tr.pick:has-text("Карточкина")');
  await sec.waitForSelector('#m-card h2:has-text("Карточкина")');

  // The organisation's card: its field, a Russian message beside a bad
  // e-mail, an edit, archive and restore, all in its history.
  await sec.click('#m-card dd a[href^="/organisations/"]');
  await sec.waitForSelector('#org-card:not([hidden])');
  await sec.waitForSelector('#org-history li');
  await sec.click('#org-edit summary');
  await sec.fill('#org-form input[name=email]', 'профком@');
  await sec.click('#org-save');
  await sec.waitForFunction(() => document.querySelector('#org-form [data-field=email] .field-error').textContent !== '');
  msg = await sec.locator('#org-form [data-field=email] .field-error').textContent();
  check(cyrillicOnly(msg), 'the organisation\'s e-mail message: ' + msg);
  await sec.fill('#org-form input[name=email]', 'profkom@gkb1.example');
  await sec.fill('#org-form input[name=chairman]', 'Ермакова Светлана Олеговна');
  await sec.click('#org-save');
  await sec.waitForFunction(() => document.querySelector('#org-fields').textContent.includes('profkom@gkb1.example'));
  await sec.click('#org-archive');
  await sec.waitForSelector('#org-title .badge.archived');
  await sec.click('#org-archive');
  await sec.waitForFunction(() => !document.querySelector('#org-title .badge.archived') && document.querySelectorAll('#org-history li.change').length === 3);
  const orgHist = await sec.locator('#org-history').textContent();
  check(orgHist.includes('Белова Ирина Алексеевна') && orgHist.includes('председатель'), 'the organisation\'s history: ' + orgHist);
  await sec.evaluate(() => { document.querySelector('#org-edit').open = true; });
  await shoot(sec, 'crm-organisation-card', { fullPage: true });

  // An appeal's card: its custom field typed, in its history.
  await sec.goto(base + '/appeals');
  await sec.waitForSelector('#a-table tr.pick');
  await sec.click('#a-table tr.pick >> nth=0');
  await sec.waitForSelector('#a-card [name="custom.amount"]');
  await sec.fill('#a-card [name="custom.amount"]', 'пять тысяч');
  await sec.click('#a-card form button.primary');
  await sec.waitForFunction(() => document.querySelector('#a-card [data-field="custom.amount"] .field-error')?.textContent);
  msg = await sec.locator('#a-card [data-field="custom.amount"] .field-error').textContent();
  check(msg === '«Сумма помощи, ₽»: нужно число, например 12 или 12,5', 'the appeal\'s wrong amount: ' + msg);
  await sec.fill('#a-card [name="custom.amount"]', '5000');
  await sec.click('#a-card form button.primary');
  await sec.waitForFunction(() => /«Сумма помощи, ₽»: —? ?→? ?5000/.test(document.querySelector('#a-card ol.a-history')?.textContent || ''));
  await sec.waitForFunction(() => /Сумма помощи, ₽\s*5\s000/.test(document.querySelector('#a-card').textContent));

  // The refusals above log their 403 and 422 answers; nothing else may.
  const unexpected = p => p.errors.filter(e => !/the server responded with a status of (403|422)/.test(e));
  check(unexpected(sec).length === 0, 'script errors on the secretary\'s pages: ' + unexpected(sec).join(' | '));
  check(unexpected(admin).length === 0, 'script errors on the administrator\'s page: ' + unexpected(admin).join(' | '));
});
