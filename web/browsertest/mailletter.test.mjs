// A letter with remote images in real Chromium, started by
// connectors/mail/browser_test.go: the console shows it with placeholders
// and no request leaves for the image host; "show" re-renders it with the
// images fetched by the hub's proxy (same origin).
import { base, check, newPage, run, shoot, signInOn } from './harness.mjs';

await run('mail', async (browser, current) => {
  let page = current.page = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  const errors = [], foreign = [], proxied = [];
  page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', e => errors.push(String(e)));
  page.on('request', r => {
    if (!r.url().startsWith(base + '/') && !r.url().startsWith('about:') && !r.url().startsWith('data:')) foreign.push(r.url());
    if (r.url().includes('/images/')) proxied.push(r.url());
  });
  await signInOn(page, 'op1');
  await page.goto(base + '/inbox');
  await page.click('.tabs button[data-filter=all]');
  await page.click('#conversations li.conv');
  await page.waitForSelector('.mail-images-show');
  const bar = await page.textContent('.mail-images-bar');
  check(bar.includes('2'), 'the bar counts two remote images: ' + bar);
  const frame = page.frameLocator('iframe.mail-html');
  await frame.locator('.mail-remote-img').first().waitFor();
  const placeholders = await frame.locator('.mail-remote-img').allTextContents();
  check(placeholders.join('|').includes('Схема профсоюза'), 'placeholder keeps the alt text: ' + placeholders);
  check(await frame.locator('img').count() === 0, 'no <img> while images are blocked');
  await page.waitForTimeout(300);
  await shoot(page, 'mail-images-blocked', { fullPage: true });
  check(proxied.length === 0, 'no image requested before "show": ' + proxied);

  await page.click('.mail-images-show');
  await frame.locator('img').first().waitFor();
  await page.waitForFunction(() => {
    const f = document.querySelector('iframe.mail-html');
    const img = f && f.contentDocument && f.contentDocument.querySelector('img');
    return img && img.complete && img.naturalWidth > 0;
  }, null, { timeout: 15000 });
  const src = await frame.locator('img').first().getAttribute('src');
  check(src.startsWith('/api/v1/mail/letters/'), 'image comes through the hub: ' + src);
  await page.waitForTimeout(300);
  await shoot(page, 'mail-images-shown', { fullPage: true });
  check(proxied.length === 2, 'both images asked of the proxy: ' + proxied);
  check(foreign.length === 0, 'no request left for another origin: ' + foreign);
  // The second image is HTML under an image URL: the proxy refuses it (502), which Chromium logs.
  const unexpected = errors.filter(e => !/502/.test(e));
  check(unexpected.length === 0, 'no console errors: ' + unexpected.join('; '));
  console.log('mail letter images: ok');
});
