// Services started inside the tests log only what went wrong; LOG_LEVEL=info shows everything.
process.env.LOG_LEVEL ??= 'error';
// Texts go at any hour in tests, whatever the time of day the suite runs at; the quiet-hours
// tests set QUIET_HOURS themselves.
process.env.QUIET_HOURS ??= 'off';
