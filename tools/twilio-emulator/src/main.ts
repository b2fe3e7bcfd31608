import { readEmulatorConfig } from './config';
import { createTwilioEmulator } from './emulator';

/** One JSON line per event on stdout. */
function log(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

async function main(): Promise<void> {
  const config = readEmulatorConfig(process.env);
  const emulator = createTwilioEmulator({ ...config, log });
  const running = await emulator.listen(config.port, '0.0.0.0');
  log({
    event: 'twilio-emulator-listening',
    url: running.url,
    port: config.port,
    accountSid: config.accountSid,
    callbackDelayMs: config.callbackDelayMs,
  });
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  log({
    event: 'twilio-emulator-failed',
    error: error instanceof Error ? error.message : String(error),
  });
  process.exit(1);
});
