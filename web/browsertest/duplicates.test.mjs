// The merge of two duplicates in real Chromium, on the demo federation
// with two pairs added by web/duplicates_browser_test.go: the secretary
// opens the list of likely duplicates from the members page, compares
// the pair A–B side by side, picks the unit, workplace and position of B
// and A's phones only, and merges; the card that stays shows the chosen
// values and, in its history, B's. A chairman of another organisation
// sees neither pair, and the merge of C and D is refused to him in
// Russian. Desktop and 390 px.
import { base, check, env, run, shoot, signIn } from './harness.mjs';

const A = env.PROFHUB_DUP_A, B = env.PROFHUB_DUP_B, C = env.PROFHUB_DUP_C, D = env.PROFHUB_DUP_D;
const viewport = { width: 1366, height: 900 };

await run('duplicates', async (browser, current) => {
  const sec = current.page = await signIn(browser, 'secretary', { viewport, path: '/members' });
  sec.on('dialog', d => d.accept());
  await sec.click('#m-dups');
  await sec.waitForURL(base + '/members/duplicates');
  const pair = `#dup-list li[data-a="${A}"][data-b="${B}"]`;
  await sec.waitForSelector(pair);
  const pairText = await sec.locator(pair).textContent();
  check(pairText.includes('те же ФИО и дата рождения') && pairText.includes('Дублева Анна Сергеевна') && pairText.includes('12.04.1979'),
    'the pair and its reason: ' + pairText);
  check(await sec.locator(`#dup-list li[data-a="${C}"][data-b="${D}"]`).count() === 1, 'the second pair is listed');
  check((await sec.locator('#dup-total').textContent()).startsWith('Пар найдено'), 'the count');
  await shoot(sec, 'crm-duplicates', { fullPage: true });

  // The merge page: both cards side by side, a choice per differing field.
  await sec.click(pair + ' a.dup-merge');
  await sec.waitForSelector('#mg-form:not([hidden])');
  const head = await sec.locator('#mg-table tr').first().textContent();
  check(head.includes('Карточка 1') && head.includes('Карточка 2'), 'the two cards: ' + head);
  check(await sec.locator('#mg-table tr.mg-same[data-field=surname]').count() === 1, 'the same surname needs no choice');
  for (const f of ['unit_id', 'workplace', 'position', 'phones', 'emails', 'card_number']) {
    check(await sec.locator(`#mg-table tr.mg-differs[data-field=${f}]`).count() === 1, 'a choice for ' + f);
  }
  // The defaults are what the server would keep: card 1's values, lists joined.
  check(await sec.isChecked('#mg-table tr[data-field=workplace] input[value="0"]'), 'card 1\'s workplace by default');
  check(await sec.isChecked('#mg-table tr[data-field=phones] input[value=both]'), 'phones joined by default');
  check(await sec.isChecked('#mg-table tr[data-field=emails] input[value=both]'), 'e-mails joined by default');
  // Her picks: card 2's organisation, workplace and position; card 1's phone only.
  await sec.check('#mg-table tr[data-field=unit_id] input[value="1"]');
  await sec.check('#mg-table tr[data-field=workplace] input[value="1"]');
  await sec.check('#mg-table tr[data-field=position] input[value="1"]');
  await sec.check('#mg-table tr[data-field=phones] input[value="0"]');
  check((await sec.locator('#mg-moves').textContent()).includes('Обращения'), 'what moves is said');
  await shoot(sec, 'crm-merge', { fullPage: true });
  await sec.click('#mg-merge');

  // The card that stays, opened on the members page, shows the picks.
  await sec.waitForURL(/\/members\?id=/);
  check(sec.url().includes(A), 'card 1 stays: ' + sec.url());
  check((await sec.locator('p.flash').textContent()).includes('Карточки объединены'), 'the flash');
  await sec.waitForSelector('#m-card h2:has-text("Дублева Анна Сергеевна")');
  await sec.waitForSelector('#m-history li.change');
  const card = await sec.locator('#m-card').textContent();
  for (const want of ['ППО ГАУЗ «ГКБ № 1» г. Оренбурга', 'ГАУЗ «ГКБ № 1»', 'медсестра', 'DUP-1', '+79221234567', 'anna.dubleva@mail.example']) {
    check(card.includes(want), 'the card that stayed lacks ' + want + ': ' + card);
  }
  for (const gone of ['+79227654321', 'DUP-2', 'учитель']) {
    check(!card.includes(gone), 'the card that stayed shows ' + gone);
  }
  const hist = await sec.locator('#m-history').textContent();
  check(hist.includes('объединена с дублем') && hist.includes('из карточки Дублева Анна Сергеевна') && hist.includes('Белова Ирина Алексеевна'),
    'the history with the merged card\'s: ' + hist);

  // The pair has left the list; the other stays.
  await sec.goto(base + '/members/duplicates');
  await sec.waitForSelector(`#dup-list li[data-a="${C}"]`);
  check(await sec.locator(pair).count() === 0, 'the merged pair is still listed');
  check(sec.errors.length === 0, 'script errors on the secretary\'s pages: ' + sec.errors.join(' | '));

  // A chairman of the steel works sees neither pair and may not merge them.
  const steel = current.page = await signIn(browser, 'steel.chair', { viewport, path: '/members/duplicates' });
  await steel.waitForFunction(() => document.querySelector('#dup-total').textContent !== '');
  check(await steel.locator('#dup-list li').count() === 0, 'another organisation\'s pairs are shown');
  check((await steel.locator('#dup-total').textContent()) === 'Возможных дублей нет', 'the empty list says so');
  await steel.goto(base + `/members/merge?a=${C}&b=${D}`);
  await steel.waitForSelector('#mg-error:not([hidden])');
  const msg = await steel.locator('#mg-error').textContent();
  check(msg === 'Карточки нет среди карточек ваших организаций: объединить их нельзя.', 'the page\'s refusal: ' + msg);
  check(await steel.isHidden('#mg-form'), 'no form for cards he cannot see');
  const api = await steel.evaluate(async ([c, d]) => {
    await window.profhub.ready();
    try {
      await window.profhub.api('POST', '/api/v1/crm/members/' + c + '/merge', { drop_id: d });
      return { status: 200 };
    } catch (e) { return { status: e.status, message: e.message }; }
  }, [C, D]);
  check(api.status === 404 && api.message === 'Карточки нет среди карточек ваших организаций: ничего не объединено', 'the API\'s refusal: ' + JSON.stringify(api));
  await shoot(steel, 'crm-merge-refused');
  const unexpected = steel.errors.filter(e => !/status of 404/.test(e));
  check(unexpected.length === 0, 'script errors on the chairman\'s pages: ' + unexpected.join(' | '));
});
