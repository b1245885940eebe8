// Webhooks in real Chromium, started by web/webhooks_browser_test.go: the
// administrator refuses an ftp address, subscribes an endpoint (its secret
// is shown once), reads the log of a failing endpoint, sends a delivery
// again and disables the endpoint.
import { check, env, run, shoot, signIn } from './harness.mjs';

await run('webhooks', async (browser, current) => {
  const page = current.page = await signIn(browser, 'admin', { path: '/admin/webhooks' });
  await page.waitForSelector('.wh-endpoint');
  check(await page.locator('.wh-endpoint').count() === 2, 'two endpoints listed');

  await page.fill('#wh-form input[name=url]', 'ftp://crm.example.org/hook');
  await page.click('#wh-form button.primary');
  await page.waitForSelector('#wh-form-error:not([hidden])');
  const refusal = await page.locator('#wh-form-error').textContent();
  check(refusal.includes('http://') && refusal.includes('ссылкой'), 'an ftp address is refused in Russian: ' + refusal);

  await page.fill('#wh-form input[name=url]', env.PROFHUB_RECEIVER);
  await page.locator('#wh-types label', { hasText: 'Новое сообщение' }).locator('input').uncheck();
  await page.click('#wh-form button.primary');
  await page.waitForSelector('#wh-secret:not([hidden])');
  check((await page.locator('#wh-secret-value').textContent()).startsWith('whsec_'), 'the secret is shown');
  await page.waitForFunction(() => document.querySelectorAll('.wh-endpoint').length === 3);

  // The failing endpoint: its held head shows 500 and the next attempt.
  const failing = page.locator('.wh-endpoint', { hasText: '/erp' });
  if (!(await failing.locator('details').getAttribute('open') !== null)) await failing.locator('summary').click();
  const bad = failing.locator('tr', { has: page.locator('td.failing') });
  await bad.first().waitFor();
  check((await bad.first().textContent()).includes('500'), 'the answer code is shown: ' + await bad.first().textContent());
  check(await failing.locator('td', { hasText: 'Ожидает' }).count() === 2, 'the later deliveries wait');
  await bad.first().locator('button', { hasText: 'Отправить снова' }).click();
  await failing.locator('button', { hasText: 'Поставлено в очередь' }).waitFor();

  await failing.locator('header button', { hasText: 'Отключить' }).click();
  await page.locator('.wh-endpoint', { hasText: '/erp' }).locator('.wh-state', { hasText: 'Отключён' }).waitFor();
  const erp = page.locator('.wh-endpoint', { hasText: '/erp' });
  if ((await erp.locator('details').getAttribute('open')) === null) await erp.locator('summary').click();
  await erp.locator('td.failing').first().waitFor();
  await shoot(page, 'webhooks', { fullPage: true });
});
