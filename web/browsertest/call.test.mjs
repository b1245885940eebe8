// A video call from the chat in real Chromium with fake camera and
// microphone, started by web/call_browser_test.go: Иванова calls Петров
// from their direct chat, he accepts in the ringing dialog, and each
// side's RTCPeerConnection statistics show audio and video bytes
// received. Then a second call he declines leaves "Пропущенный звонок".
import { check, env, launchOptions, run, shoot, signIn } from './harness.mjs';

// The fake devices, for this script only.
launchOptions.args.push('--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream');

const chatPath = '/chat#' + env.PROFHUB_CHAT;
const wait = { timeout: 30000 };

// received is what a page's peer connections got, by kind.
function received(page) {
  return page.evaluate(async () => {
    const out = { audio: 0, video: 0 };
    for (const pc of Object.values(window.callPeers || {})) {
      (await pc.getStats()).forEach(s => {
        if (s.type === 'inbound-rtp') out[s.kind] += s.bytesReceived || 0;
      });
    }
    return out;
  });
}
async function flowing(page, who) {
  let got = { audio: 0, video: 0 };
  const until = Date.now() + 60000;
  while (Date.now() < until) {
    got = await received(page);
    if (got.audio > 0 && got.video > 0) return got;
    await page.waitForTimeout(500);
  }
  throw new Error(`check failed: ${who} received ${JSON.stringify(got)}`);
}

await run('call', async (browser, current) => {
  const iv = current.page = await signIn(browser, 'iv', { path: chatPath });
  const pe = await signIn(browser, 'pe', { path: chatPath });
  for (const p of [iv, pe]) {
    await p.locator('#call-video').waitFor(wait);
    await p.waitForFunction(() => window.chatSocket && window.chatSocket.open(), null, wait);
  }

  await iv.click('#call-video');
  await pe.locator('#call-incoming').waitFor(wait);
  const ring = await pe.locator('#call-incoming-text').textContent();
  check(ring === 'Иванова Мария Петровна звонит вам', 'the dialog names the caller: ' + ring);
  await shoot(pe.locator('#call-incoming'), 'call-incoming');
  current.page = pe;
  await pe.click('#call-accept');
  await pe.locator('#call-view').waitFor(wait);
  const a = await flowing(iv, 'Иванова');
  const b = await flowing(pe, 'Петров');
  console.log('received: Иванова', JSON.stringify(a), 'Петров', JSON.stringify(b));
  await iv.locator('#call-remotes video').waitFor(wait);
  await iv.waitForFunction(() => document.querySelector('#call-remotes video').videoWidth > 0, null, wait);

  // Mute and camera toggles turn the local tracks off.
  await iv.click('#call-mute');
  await iv.click('#call-camera');
  check(await iv.evaluate(() => Object.values(window.callPeers)[0].getSenders().every(s => !s.track || !s.track.enabled)),
    'microphone and camera are off');
  check((await iv.locator('#call-mute').textContent()) === 'Включить микрофон', 'the mute button says what it does now');
  await iv.click('#call-mute');
  await iv.click('#call-camera');
  await shoot(iv, 'call');

  // Hanging up ends it on both sides.
  await iv.click('#call-hangup');
  await pe.locator('#call-view').waitFor({ state: 'hidden', timeout: 30000 });

  // Declined: the chat shows a missed call.
  current.page = iv;
  await iv.click('#call-audio');
  await pe.locator('#call-incoming').waitFor(wait);
  await pe.click('#call-decline');
  await iv.locator('#call-view').waitFor({ state: 'hidden', timeout: 30000 });
  await pe.locator('#chat-messages .chat-msg', { hasText: 'Пропущенный звонок' }).waitFor(wait);
  await shoot(pe, 'call-missed');
  for (const p of [iv, pe]) check(p.errors.length === 0, 'no script errors: ' + p.errors.join('; '));
});
