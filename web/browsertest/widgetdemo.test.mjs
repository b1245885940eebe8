// The site chat's demo page in real Chromium: linked from the
// administrator's home page, a union website with the widget embedded,
// where a visitor leaves a question (no operator is online: the offline
// form). Started by web/panel_browser_test.go (TestWidgetDemoInChromium).
import { base, check, run, shoot, signIn, watch } from './harness.mjs';

await run('widgetdemo', async (browser, current) => {
  const admin = current.page = await signIn(browser, 'chief');
  const tile = admin.locator('#tile-widget-demo');
  check(await tile.count() === 1, 'the home page links the demo');
  check((await tile.textContent()).includes('Чат на сайте'), 'the tile reads: ' + await tile.textContent());
  check(await tile.getAttribute('href') === '/widget/demo', 'the tile leads to /widget/demo');

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
  const page = current.page = watch(await ctx.newPage());
  await page.goto(base + '/widget/demo');
  check((await page.locator('h1').textContent()).includes('региональное соглашение'), 'a union website page');
  await page.locator('button.btn').waitFor();
  await shoot(page, 'widget-demo-page', { fullPage: true });
  await page.locator('button.btn').click();
  await page.fill('input[name=name]', 'Дмитрий');
  await page.fill('input[name=contact]', '8 987 115-03-77');
  await page.fill('textarea[name=text]', 'Добрый день! Профсоюз компенсирует путёвку в детский лагерь?');
  await page.locator('input[name=consent]').check();
  await shoot(page, 'widget-demo-form');
  await page.locator('button.go').click();
  await page.locator('.list .note').last().waitFor();
  check(page.errors.length === 0, 'no page errors: ' + JSON.stringify(page.errors));
  // A file over the documented 10 MiB is refused in Russian, naming the limit.
  await page.locator('input[type=file]').setInputFiles({ name: 'скан.png', mimeType: 'image/png', buffer: Buffer.alloc((10 << 20) + 1) });
  await page.waitForFunction(() => [...document.querySelectorAll('*')].some(e => e.shadowRoot &&
    [...e.shadowRoot.querySelectorAll('*')].some(x => x.textContent === 'Файл больше 10 МБ')));

  const other = await signIn(browser, 'operator');
  check(await other.locator('#tile-widget-demo').count() === 1, 'operators see the demo link too');
});
