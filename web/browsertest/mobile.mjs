// The shared half of the phone tests (mobile-*.test.mjs): a 390×844
// screen, and step(), which checks that the page does not scroll
// sideways and photographs it.
import { check, shots } from './harness.mjs';

export const phone = { width: 390, height: 844 };

// step waits for the page to settle, checks that the document is no
// wider than the window, and saves name.png (opts go to playwright's
// screenshot, e.g. fullPage).
export async function step(page, name, opts = {}) {
  await page.waitForTimeout(250);
  const { wide, inner } = await page.evaluate(() => ({ wide: document.documentElement.scrollWidth, inner: window.innerWidth }));
  check(wide <= inner, `${name}: the page is ${wide}px wide on a ${inner}px screen`);
  await page.screenshot({ ...opts, path: `${shots}/${name}.png` });
}
