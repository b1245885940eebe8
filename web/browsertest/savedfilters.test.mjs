// End-to-end test of saved member filters in real Chromium, on the demo
// federation (started by web/savedfilters_browser_test.go): the secretary
// filters the member list, saves the filter shared with her unit, renames
// it, opens the page again and applies it, finds it offered as a mailing
// segment and counts its recipients; a second filter is saved and deleted.
import { base, check, newPage, phoneWidth, run, shoot, signInOn } from './harness.mjs';

await run('savedfilters', async (browser, current) => {
  const page = current.page = await newPage(browser, { viewport: { width: 1400, height: 900 } });
  await signInOn(page, 'secretary');
  const rows = n => page.waitForFunction(k => document.querySelectorAll('#m-table tr.pick').length === k, n);
  const optionTexts = () => page.$$eval('#m-filters select[name=filter_id] option', os => os.map(o => o.textContent));

  // The list filtered by one school.
  await page.goto(base + '/members');
  await rows(14);
  const school = await page.$eval('#m-filters select[name=unit_id]',
    s => Array.from(s.options).find(o => o.textContent.includes('СОШ № 1')).value);
  await page.selectOption('#m-filters select[name=unit_id]', school);
  await page.click('#m-filters button.primary');
  await rows(4);
  check(await page.isHidden('#sf-rename'), 'nothing to rename before a filter is saved');

  // Saved under a name, shared with her unit's subtree.
  await page.click('#sf-save');
  await page.waitForSelector('#sf-form:not([hidden])');
  await page.fill('#sf-form input[name=name]', 'Школа № 1');
  await page.check('#sf-form input[name=shared]');
  await page.click('#sf-form button.primary');
  await page.waitForFunction(() => document.getElementById('sf-msg').textContent === 'Фильтр сохранён');
  check(await page.isHidden('#sf-form'), 'the name form closes');
  let picked = await page.$eval('#m-filters select[name=filter_id]', s => s.options[s.selectedIndex].textContent);
  check(picked === 'Школа № 1 · общий', 'the new filter is picked and marked shared: ' + picked);

  // Renamed; the form offers the name and the sharing as they are.
  await page.click('#sf-rename');
  await page.waitForSelector('#sf-form:not([hidden])');
  check(await page.inputValue('#sf-form input[name=name]') === 'Школа № 1', 'the rename form holds the name');
  check(await page.isChecked('#sf-form input[name=shared]'), 'and the sharing');
  await page.fill('#sf-form input[name=name]', 'Члены профсоюза СОШ № 1');
  await page.waitForTimeout(200);
  await shoot(page, 'crm-saved-filters');
  await page.click('#sf-form button.primary');
  await page.waitForFunction(() => document.getElementById('sf-msg').textContent === 'Изменения сохранены');
  check((await optionTexts()).includes('Члены профсоюза СОШ № 1 · общий'), 'renamed: ' + (await optionTexts()).join(' | '));
  check(!(await optionTexts()).some(t => t.startsWith('Школа № 1')), 'the old name is gone');

  // An empty name is refused by the form; a name of spaces by the server, in Russian.
  await page.click('#sf-rename');
  await page.fill('#sf-form input[name=name]', '   ');
  await page.click('#sf-form button.primary');
  await page.waitForFunction(() => document.getElementById('sf-msg').getAttribute('role') === 'alert');
  const refusal = await page.textContent('#sf-msg');
  check(refusal === 'Фильтру нужно название не длиннее 200 символов', 'the refusal is Russian: ' + refusal);
  await page.click('#sf-cancel');

  // The page opened again: the filter is applied from the list.
  await page.goto(base + '/members');
  await rows(14);
  await page.selectOption('#m-filters select[name=filter_id]', { label: 'Члены профсоюза СОШ № 1 · общий' });
  await rows(4);
  check(await page.inputValue('#m-filters select[name=unit_id]') === school, 'the fields show what the filter selects');
  check(await page.isVisible('#sf-rename') && await page.isVisible('#sf-delete'), 'her own filter can be renamed and deleted');
  check((await page.getAttribute('#m-export', 'href')).includes('filter_id='), 'the export runs the saved filter');
  // A field changed by hand leaves the saved filter.
  await page.fill('#m-filters input[name=q]', 'Ковалёва');
  check(await page.inputValue('#m-filters select[name=filter_id]') === '', 'the saved filter is no longer picked');
  check(await page.isHidden('#sf-rename'), 'nor offered for renaming');
  await page.click('#m-filters button.primary');
  await rows(1);

  // At a phone's width the controls stay on the screen.
  await page.setViewportSize({ width: phoneWidth, height: 800 });
  const box = await page.locator('#sf-save').boundingBox();
  check(box && box.x >= 0 && box.x + box.width <= phoneWidth, 'the save button fits at 390 px: ' + JSON.stringify(box));
  await page.setViewportSize({ width: 1400, height: 900 });

  // A second filter, saved and deleted.
  await page.click('#sf-save');
  await page.fill('#sf-form input[name=name]', 'Временный');
  await page.click('#sf-form button.primary');
  await page.waitForFunction(() => document.getElementById('sf-msg').textContent === 'Фильтр сохранён');
  check((await optionTexts()).includes('Временный'), 'a private filter has no mark');
  page.once('dialog', d => d.accept());
  await page.click('#sf-delete');
  await page.waitForFunction(() => document.getElementById('sf-msg').textContent === 'Фильтр удалён');
  check(!(await optionTexts()).includes('Временный'), 'deleted');

  // The mailing editor offers the filter as a segment and counts it.
  await page.goto(base + '/mailings');
  await page.waitForSelector('#campaigns tr');
  await page.click('#new-campaign');
  const segment = page.locator('select[name=segment] option', { hasText: 'Сохранённый фильтр: Члены профсоюза СОШ № 1' });
  check(await segment.count() === 1, 'the saved filter is a segment');
  await page.fill('input[name=name]', 'Собрание в школе № 1');
  await page.selectOption('select[name=segment]', await segment.getAttribute('value'));
  await page.fill('input[name=subject]', 'Собрание профсоюзной организации');
  await page.check('input[name=mode][value=html]'); // the letter as HTML code, not in the block editor
  await page.fill('textarea[name=html]', '<p>Собрание в пятницу в 15:00.</p>');
  await page.click('#count');
  await page.waitForFunction(() => /^Получателей: \d/.test(document.getElementById('editor-msg').textContent));
  console.log('count by the saved filter:', await page.textContent('#editor-msg'));
  // The one refusal above is the only failed request.
  const errors = page.errors.filter(e => !e.includes('status of 422'));
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
});
