// Fixture of harness_test.go: succeeds, leaves one "screenshot".
import { writeFileSync } from 'node:fs';
writeFileSync(process.env.PROFHUB_SHOTS + '/harness-selftest.png', 'not really a picture');
console.log('base ' + process.env.PROFHUB_BASE + ' extra ' + process.env.EXTRA);
