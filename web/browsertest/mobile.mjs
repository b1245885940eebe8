// The shared half of the phone tests (mobile-*.test.mjs): a 390×844
// screen, and step(), which checks that the page does not scroll
// sideways there, nor at 360 and 414 px, and photographs it.
import { check, shots } from './harness.mjs';

export const phone = { width: 390, height: 844 };

// narrowest and widest are the other phones the page must fit.
const others = [360, 414];

async function fits(page, name) {
  const { wide, inner } = await page.evaluate(() => ({ wide: document.documentElement.scrollWidth, inner: window.innerWidth }));
  check(wide <= inner, `${name}: the page is ${wide}px wide on a ${inner}px screen`);
}

// step waits for the page to settle, checks that the document is no
// wider than the window, saves name.png (opts go to playwright's
// screenshot, e.g. fullPage), and checks the width again on the
// narrowest and the widest phone before putting the size back.
export async function step(page, name, opts = {}) {
  await page.waitForTimeout(250);
  await fits(page, name);
  await page.screenshot({ ...opts, path: `${shots}/${name}.png` });
  const size = page.viewportSize();
  try {
    for (const width of others) {
      await page.setViewportSize({ width, height: size.height });
      await page.waitForTimeout(100);
      await fits(page, `${name} at ${width} px`);
    }
  } finally {
    await page.setViewportSize(size);
  }
}
