// End-to-end test of the block editor of mailings in real Chromium
// (started by web/mailblocks_browser_test.go): the secretary saves a
// filter on the members page, builds a letter from blocks to that
// segment (variables from the list, bold text, an uploaded picture, a
// button, a divider, two columns; blocks moved and deleted), previews
// it as one of the segment's members, sends herself a test letter,
// saves it as a template, opens the draft again and saves it over,
// starts the campaign and watches it finish;
// then starts a new letter from the template and deletes the template.
import { crc32, deflateSync } from 'node:zlib';
import { base, check, newPage, phoneWidth, run, shoot, signInOn } from './harness.mjs';

// banner is a 552×160 PNG in the union's blue, made here so the test
// needs no binary file.
function banner() {
  const w = 552, h = 160, rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set([31 + Math.round(60 * x / w), 95 + Math.round(40 * y / h), 168], 1 + x * 3);
    rows.push(row);
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

await run('mailblocks', async (browser, current) => {
  const page = current.page = await newPage(browser, { viewport: { width: 1280, height: 1000 } });
  const errors = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  page.on('dialog', d => d.accept());
  await signInOn(page, 'secretary');

  // The segment: a filter saved on the members page.
  await page.goto(base + '/members');
  const rows = n => page.waitForFunction(k => document.querySelectorAll('#m-table tr.pick').length === k, n);
  await rows(4);
  const school = await page.$eval('#m-filters select[name=unit_id]',
    s => Array.from(s.options).find(o => o.textContent.includes('школы № 7')).value);
  await page.selectOption('#m-filters select[name=unit_id]', school);
  await page.click('#m-filters button.primary');
  await rows(3);
  await page.click('#sf-save');
  await page.fill('#sf-form input[name=name]', 'Школа № 7');
  await page.click('#sf-form button.primary');
  await page.waitForFunction(() => document.getElementById('sf-msg').textContent === 'Фильтр сохранён');

  // The letter, built from blocks.
  await page.goto(base + '/mailings');
  await page.waitForSelector('#campaigns tr');
  await page.click('#new-campaign');
  check(await page.isChecked('input[name=mode][value=blocks]'), 'a new letter starts in the block editor');
  check(await page.isHidden('textarea[name=html]'), 'no HTML code in the block editor');
  await page.fill('input[name=name]', 'Субботник в школе № 7');
  const seg = await page.locator('select[name=segment] option', { hasText: 'Сохранённый фильтр: Школа № 7' }).getAttribute('value');
  await page.selectOption('select[name=segment]', seg);
  await page.fill('input[name=subject]', 'Субботник, ');
  await page.focus('input[name=subject]');
  await page.selectOption('#subject-var', 'Имя');
  check(await page.inputValue('input[name=subject]') === 'Субботник, {{Имя}}', 'the variable is inserted into the subject: ' + await page.inputValue('input[name=subject]'));
  const varNames = await page.$$eval('#subject-var option', os => os.map(o => o.textContent));
  check(['Имя', 'Имя и отчество', 'Фамилия', 'Организация'].every(v => varNames.includes(v)), 'variables in Russian: ' + varNames.join(', '));

  await page.click('.add-heading');
  await page.fill('.heading-input', 'Приглашаем на субботник');
  await page.click('.add-text');
  const area = page.locator('.block-text .rich-area');
  await area.click();
  await page.keyboard.type('Уважаемый(ая) ');
  await page.locator('.block-text .var-pick').selectOption('Имя и отчество');
  check(await page.locator('.block-text .var-chip').textContent() === '{{Имя и отчество}}', 'the variable shows as a chip');
  await area.click();
  await page.keyboard.press('End');
  await page.keyboard.type('! Ждём вас ');
  await page.locator('.block-text .fmt-bold').click();
  await page.keyboard.type('в субботу в 10:00');
  await page.locator('.block-text .fmt-bold').click();
  await page.keyboard.type(' у главного входа.');
  check((await area.innerHTML()).includes('<b>в субботу в 10:00</b>'), 'bold text: ' + await area.innerHTML());

  await page.click('.add-image');
  await page.setInputFiles('.block-image input[type=file]', { name: 'banner.png', mimeType: 'image/png', buffer: banner() });
  await page.waitForFunction(() => document.querySelector('.block-image .muted').textContent === 'Картинка загружена');
  await page.locator('.block-image input').nth(2).fill('Школьный двор');
  await page.click('.add-button');
  await page.fill('.button-text', 'Записаться');
  await page.fill('.button-url', 'https://union.example.org/subbotnik');
  await page.click('.add-columns');
  await page.locator('.block-columns .rich-area').nth(0).click();
  await page.keyboard.type('Место: школа № 7, ул. Ленина, 12');
  await page.locator('.block-columns .rich-area').nth(1).click();
  await page.keyboard.type('Инвентарь выдаём на месте');
  await page.click('.add-divider');
  // The divider goes above the columns; a stray heading is added and deleted.
  await page.click('.block.block-divider .block-up');
  await page.click('.add-heading');
  check(await page.locator('.block').count() === 7, 'seven blocks before the deletion');
  await page.locator('.block').nth(6).locator('.block-remove').click();
  const order = await page.$$eval('.block .block-name', ns => ns.map(n => n.textContent));
  check(order.join('|') === '1. Заголовок|2. Текст|3. Картинка|4. Кнопка|5. Разделитель|6. Две колонки', 'blocks in order: ' + order.join('|'));
  await page.waitForTimeout(200);
  await shoot(page, 'mailing-blocks-editor', { fullPage: true }); // and its 390 px copy

  // At a phone's width nothing leaves the screen.
  await page.setViewportSize({ width: phoneWidth, height: 900 });
  await page.waitForTimeout(200);
  const wide = await page.evaluate(() => document.scrollingElement.scrollWidth);
  check(wide <= phoneWidth, 'the editor fits 390 px, is ' + wide);
  await page.setViewportSize({ width: 1280, height: 1000 });

  // Preview as one of the segment's members.
  await page.waitForFunction(() => document.querySelectorAll('#preview-member option').length === 4);
  await page.selectOption('#preview-member', { label: 'Петрова Анна Сергеевна' });
  await page.click('#preview');
  await page.waitForFunction(() => document.getElementById('preview-subject').textContent === 'Субботник, Анна');
  const frame = page.frameLocator('#preview-frame');
  await frame.locator('h2').waitFor();
  const letterText = (await frame.locator('body').innerText()).replace(/\u00a0/g, ' ');
  check(letterText.includes('Уважаемый(ая) Анна Сергеевна! Ждём вас в субботу в 10:00'), 'the letter with her name: ' + letterText);
  check(await frame.locator('a', { hasText: 'Записаться' }).getAttribute('href') === 'https://union.example.org/subbotnik', 'the button links out');
  const text = await page.textContent('#preview-text');
  check(text.includes('Записаться: https://union.example.org/subbotnik') && text.includes('Отписаться от рассылки'), 'the text part: ' + text);
  await page.waitForTimeout(300);
  await shoot(page.locator('#preview-box'), 'mailing-blocks-preview');

  // A test letter to herself; a template for next time.
  await page.click('#test-me');
  await page.waitForFunction(() => document.getElementById('editor-msg').textContent.startsWith('Тестовое письмо отправлено на secretary@union.example.org'));
  await page.fill('#tpl-name', 'Субботник');
  await page.click('#tpl-save');
  await page.waitForFunction(() => document.getElementById('tpl-msg').textContent === 'Шаблон сохранён');

  // Saved and started; the letters go out.
  await page.click('#editor button.primary');
  await page.waitForSelector('#results:not([hidden]) #results-actions button');
  check((await page.textContent('#results-name')) === 'Субботник в школе № 7', 'the campaign is shown');
  // The draft opens again in the editor as it was saved, and is saved over.
  await page.click('#results-actions .act-edit');
  await page.waitForSelector('#editor:not([hidden])');
  check(await page.locator('.block').count() === 6, 'the draft comes back with its blocks');
  check(await page.inputValue('input[name=subject]') === 'Субботник, {{Имя}}', 'and its subject');
  check(await page.inputValue('select[name=segment]') === seg, 'and its segment');
  await page.fill('.heading-input', 'Приглашаем на субботник!');
  await page.click('#editor button.primary');
  await page.waitForSelector('#results:not([hidden]) #results-actions button.primary');
  await page.click('#results-actions button.primary');
  await page.waitForFunction(() => document.getElementById('results-status').textContent.startsWith('завершена'), null, { timeout: 30000 });
  const sent = await page.textContent('#results-table tr:nth-child(2) td:nth-child(3)');
  check(sent === '3', 'three sent, got ' + sent);

  // A new letter from the template; the template deleted.
  await page.click('#new-campaign');
  check(await page.locator('.block').count() === 0, 'a new letter starts empty');
  await page.selectOption('#tpl-pick', { label: 'Субботник' });
  await page.click('#tpl-apply');
  await page.waitForFunction(() => document.querySelectorAll('.block').length === 6);
  check(await page.inputValue('input[name=subject]') === 'Субботник, {{Имя}}', 'the subject comes with the template');
  check(await page.locator('.block-text .var-chip').textContent() === '{{Имя и отчество}}', 'the chip comes back as a chip');
  await page.click('#tpl-delete');
  await page.waitForFunction(() => document.getElementById('tpl-msg').textContent === 'Шаблон удалён');
  check(await page.locator('#tpl-pick option').count() === 1, 'the template is gone from the list');
  check(errors.length === 0, 'no console errors: ' + errors.join('; '));
  console.log('mailing block editor: ok');
});
