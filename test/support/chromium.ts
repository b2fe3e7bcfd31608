import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (`.ci/run` installs it), headless. Without these flags it opens background
 * connections (updates, sync, QUIC) that fail offline, many at a time.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
