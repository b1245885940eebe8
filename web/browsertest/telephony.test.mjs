// End-to-end test of the telephony UI in real Chromium: the caller card
// pops up on the operator's console while a call rings at their extension,
// a click on the number asks the PBX to call back, and the call log lists
// the calls with a playable recording. Started by
// connectors/telephony/browser_test.go, which runs the hub and a fake PBX.
import { base, check, env, newPage, run, shoot, signInOn, goOnline } from './harness.mjs';
import { createHmac } from 'node:crypto';

// pbx posts a generic-format event, signed as the channel expects.
async function pbx(ev) {
  const body = JSON.stringify(ev);
  const ts = Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', env.PROFHUB_SECRET).update(ts + '.' + body).digest('hex');
  const r = await fetch(env.PROFHUB_HOOK, { method: 'POST', body,
    headers: { 'Content-Type': 'application/json', 'X-Profhub-Signature': `t=${ts},v1=${sig}` } });
  check(r.status === 200, 'PBX event accepted, got ' + r.status);
}

await run('telephony', async (browser, current) => {
  const page = current.page = await newPage(browser);
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
  await signInOn(page, 'op1');
  await page.goto(base + '/inbox');
  await page.waitForSelector('#conversations li');
  await goOnline(page);
  await page.waitForTimeout(700); // the socket is open once presence is sent

  // The phone rings at extension 101: the card shows the member first.
  const at = new Date().toISOString();
  await pbx({ id: 'ui-1', call_id: 'ui-call', seq: 1, type: 'started', at, direction: 'in', number: env.PROFHUB_NUMBER, line: '+74951112233' });
  await pbx({ id: 'ui-2', call_id: 'ui-call', seq: 2, type: 'ringing', at, direction: 'in', number: env.PROFHUB_NUMBER, extension: '101' });
  await page.waitForSelector('#caller-card:not([hidden]) .caller-name');
  const name = await page.textContent('#caller-card .caller-name');
  check(name === env.PROFHUB_MEMBER, 'caller card names the member, got ' + name);
  const org = await page.textContent('#caller-card .caller-org');
  check(org && org.length > 0, 'caller card shows the organisation');
  check(await page.locator('#caller-card .caller-list li').count() >= 2, 'caller card lists conversations and recent calls');
  await shoot(page, 'caller-card');

  // One click on the number: the PBX is asked to call back.
  await page.click('#caller-card .caller-number button');
  await page.waitForSelector('.toast');
  const toast = await page.textContent('.toast');
  check(/набирает/.test(toast), 'callback toast, got ' + toast);

  // The missed-call conversation has its own call-back button.
  await page.click('[data-filter=queue]');
  // The queue loads after the click: wait for a conversation, not the
  // "nothing here" line of the previous tab.
  await page.click('#conversations li.conv');
  await page.waitForSelector('#act-callback:not([hidden])');
  check(await page.isChecked('#reply-note') && await page.isDisabled('#reply-note'), 'a telephony conversation takes notes only');
  await page.click('#act-callback');
  await page.waitForFunction(() => document.querySelectorAll('.toast').length >= 1);

  // The call log: filters, recording player, export link.
  await page.goto(base + '/inbox/calls');
  await page.waitForSelector('#calls tr:nth-child(3)');
  const rows = await page.locator('#calls tr').count();
  check(rows >= 4, 'call log lists the calls, rows ' + rows);
  check(await page.locator('#calls button.play').count() === 1, 'one recording to play');
  await page.click('#calls button.play');
  await page.waitForSelector('#calls tr.player audio');
  const src = await page.getAttribute('#calls audio', 'src');
  const ranged = await page.evaluate(async (u) => {
    const r = await fetch(u, { headers: { Range: 'bytes=0-43' } });
    return [r.status, (await r.arrayBuffer()).byteLength, r.headers.get('content-type')];
  }, src);
  check(ranged[0] === 206 && ranged[1] === 44 && ranged[2] === 'audio/wav', 'recording answers ranges: ' + ranged);
  const playable = await page.evaluate(async () => {
    const a = document.querySelector('#calls audio');
    if (!(a.duration > 0)) await new Promise((res, rej) => { a.onloadedmetadata = res; a.onerror = () => rej(new Error('audio error')); setTimeout(res, 5000); });
    return a.duration;
  });
  check(playable > 1, 'the browser decodes the recording, duration ' + playable);
  await shoot(page, 'calls', { fullPage: true });
  check(/export\.xlsx\?/.test(await page.getAttribute('#export-xlsx', 'href')), 'export link');
  await page.selectOption('select[name=result]', 'missed');
  await page.click('#calls-form button.primary');
  await page.waitForFunction(() => document.querySelectorAll('#calls tr').length === 2);
  await page.selectOption('select[name=result]', '');
  await page.click('#calls-form button.primary');
  await page.waitForFunction(() => document.querySelectorAll('#calls tr').length >= 4);
  check(errors.length === 0, 'no script errors: ' + errors.join('; '));
  console.log('telephony UI ok');
});
