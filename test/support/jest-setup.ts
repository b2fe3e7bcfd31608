// Services started inside the tests log only what went wrong; LOG_LEVEL=info shows everything.
process.env.LOG_LEVEL ??= 'error';
