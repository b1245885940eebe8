// The public rating page in real Chromium, started by
// hub/rating_page_browser_test.go: a member opens the «5» link of the
// rating letter on her phone, adds a comment and sends the form.
import { check, env, newPage, phoneWidth, run, shoot } from './harness.mjs';

const T = { timeout: 30000 };

await run('rating-page', async (browser, current) => {
  const page = current.page = await newPage(browser);
  await page.goto(env.PROFHUB_RATE_URL);
  check((await page.locator('h1').textContent()).trim().length > 0, 'the page has its title');
  check(await page.locator('input[name=rating][value="5"]').isChecked(), 'the link chose 5');
  await page.fill('textarea[name=comment]', 'Юрист всё объяснил, спасибо');
  await shoot(page, 'rating-page-form'); // desktop, then 390 px
  await page.setViewportSize({ width: phoneWidth, height: 844 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  check(!wide, 'the page does not scroll sideways on a phone');
  await page.click('button[type=submit]');
  await page.waitForSelector('#done', T);
  const done = await page.locator('#done').textContent();
  check(done.includes('Спасибо за оценку: 5 из 5'), 'thanked in Russian: ' + done);
  await shoot(page, 'rating-page-done');

  // A forged link: a clear refusal, no form.
  const forged = env.PROFHUB_RATE_URL.replace(/\.[^.?]+(\?r=5)$/, '.AAAAAAAAAAAAAA$1');
  check(forged !== env.PROFHUB_RATE_URL, 'the forged link differs');
  const resp = await page.goto(forged);
  check(resp.status() === 404, 'a forged link is refused: ' + resp.status());
  check(await page.locator('#problem').count() === 1 && await page.locator('form').count() === 0, 'a refusal without the form');
});
