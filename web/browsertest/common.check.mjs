// Checks of web/static/common.js's formatters without a browser: the
// script runs in a node VM with a stub page whose <html> carries the
// language and time zone, as layout.html sets them. Run by common_test.go;
// exits non-zero on the first wrong answer.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const src = readFileSync(new URL('../static/common.js', import.meta.url), 'utf8');
const strings = { sec: 'с', min: 'мин', hours: 'ч' };

function load(lang, tz) {
  const doc = {
    documentElement: { lang, getAttribute: n => (n === 'data-tz' ? tz : null) },
    getElementById: id => (id === 'console-strings' ? { textContent: JSON.stringify(strings) } : null),
    addEventListener() {},
  };
  const ctx = { window: {}, document: doc };
  vm.runInNewContext(src, ctx);
  return ctx.window.profhub;
}

let failed = 0;
function eq(name, got, want) {
  got = typeof got === 'string' ? got.replace(/\s/g, ' ') : got;
  if (got !== want) { console.error(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`); failed++; }
}

const at = '2026-12-04T04:30:00Z';
const ru = load('ru', 'Europe/Moscow');
eq('ru dateTime', ru.dateTime(at), '04.12.2026 07:30');
eq('ru dateTime of milliseconds', ru.dateTime(Date.parse(at)), '04.12.2026 07:30');
eq('ru date', ru.date(at), '04.12.2026');
eq('ru time with seconds', ru.time(at, true), '07:30:00');
eq('empty dateTime', ru.dateTime(''), '');
eq('empty dateTime with filler', ru.dateTime(null, '—'), '—');
eq('invalid dateTime', ru.dateTime('not a date', '—'), '—');
eq('another zone', load('ru', 'Asia/Vladivostok').dateTime(at), '04.12.2026 14:30');
eq('unknown zone falls back', typeof load('ru', 'Mars/Olympus').dateTime(at), 'string');
eq('english', load('en', 'Europe/Moscow').date(at), '12/04/2026');
for (const tz of ['Europe/Moscow', 'America/Los_Angeles', 'Pacific/Kiritimati']) {
  eq('calendar day in ' + tz, load('ru', tz).day('2026-12-04'), '04.12.2026');
}
eq('empty day', ru.day(''), '');
eq('empty day with filler', ru.day(undefined, '—'), '—');
eq('odd day as it came', ru.day('2026-12'), '2026-12');
eq('no duration', ru.duration(0), '—');
eq('under half a second', ru.duration(0.4), '—');
eq('seconds', ru.duration(45), '45 с');
eq('rounded seconds', ru.duration(44.6), '45 с');
eq('minutes', ru.duration(125), '2 мин');
eq('exact minutes', ru.duration(125, true), '2 мин 5 с');
eq('money', ru.number(2500.5, 2), '2 500,50');
eq('recent today', ru.recent(new Date()).length, 5);
eq('since', ru.since(new Date(Date.now() - 120000)), '2 мин');
if (failed) process.exit(1);
console.log('common.js formatters: ok');
