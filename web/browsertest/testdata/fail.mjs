// Fixture of harness_test.go: a failed check.
console.error('check failed: the fixture fails on purpose');
process.exitCode = 1;
