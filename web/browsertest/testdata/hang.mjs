// Fixture of harness_test.go: never ends by itself.
setInterval(() => {}, 1000);
