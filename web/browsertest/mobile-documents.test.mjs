// Documents on a phone (390×844), on a hub the demo filled (started by
// web/mobile_browser_test.go, which has the secretary send the bonus
// regulation to the chairman for acquaintance). The chairman opens the
// labour inspectorate's letter from his home page, reads it, writes a
// resolution for two executors; then from his tasks opens the regulation
// and confirms he has read it. On every step the page must not scroll
// sideways.
import { base, check, run, signIn } from './harness.mjs';
import { phone, step } from './mobile.mjs';

async function decide(page, decision, fill, shot) {
  await page.click(`#decide button[data-decision=${decision}]`);
  if (fill) await fill(page);
  if (shot) await step(page, shot);
  await page.click('#decide-go');
  await page.waitForFunction(d => !document.querySelector(`#decide button[data-decision=${d}]`), decision);
}

await run('mobile-documents', async (browser, current) => {
  const chair = current.page = await signIn(browser, 'chairman', { viewport: phone, dialogs: true });
  await chair.waitForSelector('#home[aria-busy=false]');
  await step(chair, 'mobile-home-chairman');

  // From the home page to the letter that waits for his resolution.
  const item = chair.locator('#home-to_decide a', { hasText: 'О проведении проверки' });
  await item.click();
  await chair.waitForSelector('#decide');
  check((await chair.locator('#doc-card h1').textContent()).includes('О проведении проверки соблюдения трудового законодательства'), 'the letter opened');
  await step(chair, 'mobile-document-card');
  await step(chair, 'mobile-document-card-full', { fullPage: true });

  // The resolution: text, deadline, priority and the two executors.
  await decide(chair, 'resolve_executors', async p => {
    await p.fill('#decide textarea[name=res_text]', 'Подготовить документы к проверке ГИТ: трудовые договоры, графики сменности, табели за полугодие.');
    await p.fill('#decide input[name=res_deadline]', '2099-12-15');
    await p.selectOption('#decide select[name=res_priority]', '2');
    for (const who of ['Николаев Павел Игоревич', 'Смирнова Ольга Викторовна']) {
      await p.locator('#decide fieldset.people label', { hasText: who }).locator('input').check();
    }
    await p.locator('#decide-go').scrollIntoViewIfNeeded();
  }, 'mobile-document-resolution');
  await chair.waitForSelector('.resolution >> text=Подготовить документы к проверке ГИТ');
  await step(chair, 'mobile-document-resolved');

  // His tasks, as cards, with the regulation the secretary sent him.
  await chair.goto(base + '/documents#tasks');
  const task = chair.locator('#docs-view tr.link', { hasText: 'Положение о премировании' });
  await task.waitFor();
  check(await chair.locator('#docs-view tr.link', { hasText: 'О проведении проверки' }).count() === 0, 'the resolved letter left his tasks');
  const label = await task.locator('td').nth(1).getAttribute('data-label');
  check(label === 'Заголовок' || label.length > 0, 'the card says what each value is: ' + label);
  await step(chair, 'mobile-document-tasks');
  await task.click();
  await chair.waitForSelector('#decide button[data-decision=acknowledge]');
  await step(chair, 'mobile-document-acquaint');
  await decide(chair, 'acknowledge');
  await chair.waitForSelector('#history >> text=Ознакомлен');
  await step(chair, 'mobile-document-acknowledged');
  await step(chair, 'mobile-document-acknowledged-full', { fullPage: true });

  check(chair.errors.length === 0, 'no console errors or dialogs: ' + JSON.stringify(chair.errors));
  console.log('the chairman resolved a letter and read a regulation on a phone');
});
