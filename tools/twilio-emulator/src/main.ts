import { createRootLogger } from '@fidelis/logging';
import { readEmulatorConfig } from './config';
import { createTwilioEmulator } from './emulator';

const logger = createRootLogger('twilio-emulator');

/** One line per event on stdout, readable or JSON as every service's (`@fidelis/logging`). */
function log(entry: Record<string, unknown>): void {
  logger.info(entry, String(entry.event));
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
  logger.fatal({ err: error }, 'twilio-emulator-failed');
  process.exit(1);
});
