// The staff feed in real Chromium, started by web/feed_browser_test.go:
// the chairman publishes an important post to her committee; it appears
// live on both readers' open feed pages; reader A confirms it; the
// chairman's confirmation list names A among those who confirmed and B
// among those who have not. Screenshots: feed (the chairman's desktop,
// the list open) and feed-phone (reader B at 390 px).
import { check, run, shoot, signIn, phoneWidth } from './harness.mjs';

const wait = { timeout: 30000 };

await run('feed', async (browser, current) => {
  const chair = current.page = await signIn(browser, 'chair', { path: '/feed' });
  await chair.waitForSelector('#feed-chips .feed-chip', wait); // her own committee is the audience already
  const a = await signIn(browser, 'reader.a', { path: '/feed' });
  const b = await signIn(browser, 'reader.b', { path: '/feed', viewport: { width: phoneWidth, height: 844 } });
  await a.locator('article.feed-post', { hasText: 'новогоднего вечера' }).waitFor(wait);
  check(await a.locator('#feed-form').count() === 0, 'an operator has no composer');

  // An empty post is refused in Russian.
  await chair.click('#feed-submit');
  await chair.waitForSelector('#feed-error:not([hidden])', wait);
  const refusal = await chair.locator('#feed-error').textContent();
  check(refusal.includes('Напишите текст'), 'the refusal says why in Russian: ' + refusal);

  await chair.click('#feed-text');
  await chair.keyboard.type('Коллеги, с 1 января действует новое ');
  await chair.click('[data-cmd=bold]');
  await chair.keyboard.type('положение о премировании');
  await chair.click('[data-cmd=bold]');
  await chair.keyboard.type('. Прошу ознакомиться до пятницы.');
  await chair.check('#feed-important');
  // A picture drawn in the page, uploaded as the composer does.
  const dataURL = await chair.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 480; c.height = 160;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 480, 160);
    grad.addColorStop(0, '#b0182b'); grad.addColorStop(1, '#1a4f9c');
    g.fillStyle = grad; g.fillRect(0, 0, 480, 160);
    g.fillStyle = '#fff'; g.font = 'bold 28px sans-serif';
    g.fillText('Положение о премировании', 24, 70);
    g.font = '20px sans-serif'; g.fillText('с 1 января 2027 года', 24, 110);
    return c.toDataURL('image/png');
  });
  await chair.setInputFiles('#feed-files', { name: 'положение.png', mimeType: 'image/png', buffer: Buffer.from(dataURL.split(',')[1], 'base64') });
  await chair.locator('#feed-file-list li', { hasText: '🖼' }).waitFor(wait);
  await chair.click('#feed-submit');
  const mine = chair.locator('article.feed-post', { hasText: 'положение о премировании' });
  await mine.waitFor(wait);
  check(await mine.locator('.feed-body b').count() === 1, 'the bold words stay bold');
  await mine.locator('.feed-images img').waitFor(wait);
  check(await mine.locator('.feed-images img').evaluate((img) => img.complete && img.naturalWidth === 480), 'the picture is shown');

  // Live: the readers' pages, opened before, show it without a reload.
  const postA = a.locator('article.feed-post', { hasText: 'положение о премировании' });
  await postA.waitFor(wait);
  await b.locator('article.feed-post', { hasText: 'положение о премировании' }).waitFor(wait);

  await postA.locator('.feed-confirm-btn').click();
  await postA.locator('.feed-confirmed').waitFor(wait);

  // The chairman's list: A confirmed, B not, by full name.
  await chair.reload();
  const card = chair.locator('article.feed-post', { hasText: 'положение о премировании' });
  await card.locator('.feed-progress', { hasText: '1 из 2' }).waitFor(wait);
  await card.locator('.feed-progress').click();
  await card.locator('.feed-people.confirmed li').first().waitFor(wait);
  const confirmed = await card.locator('.feed-people.confirmed').textContent();
  const pending = await card.locator('.feed-people.pending').textContent();
  check(confirmed.includes('Смирнов Андрей Викторович'), 'A is among those who confirmed: ' + confirmed);
  check(pending.includes('Волкова Елена Игоревна') && !pending.includes('Смирнов'), 'B is among those who have not: ' + pending);
  check(!confirmed.includes('Волкова'), 'B is not shown as confirmed');

  // Remind once; a second press the same day is refused in Russian.
  await card.locator('.feed-remind').click();
  await card.locator('.feed-remind-msg', { hasText: 'Напоминание отправлено: 1' }).waitFor(wait);
  await shoot(chair, 'feed', { fullPage: true });

  // Reader B on a phone: the post with its "Ознакомлен" button.
  const postB = b.locator('article.feed-post', { hasText: 'положение о премировании' });
  check(await postB.locator('.feed-confirm-btn').isVisible(), 'B still has the button');
  const width = await b.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 392, 'the phone page does not scroll sideways: ' + width);
  await b.screenshot({ path: `${process.env.PROFHUB_SHOTS || 'screenshots'}/feed-phone.png`, fullPage: true });
});
