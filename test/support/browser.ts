import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { launchChromium } from './chromium';

/**
 * Where each view's screenshot goes: var/screenshots (ignored by git), so a test run leaves the
 * tree clean; `SCREENSHOT_DIR=docs/screenshots` refreshes the README's pictures.
 */
export const SCREENSHOTS = join(
  __dirname,
  '..',
  '..',
  process.env.SCREENSHOT_DIR ?? 'var/screenshots',
);

export interface DashboardPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The uncaught errors of the page's scripts (none is the goal). */
  pageErrors: string[];
}

/**
 * A browser with one page on the dashboard at `baseURL`, a desk's screen unless told otherwise;
 * `prepare` readies the context (permissions, scripts) before the page opens.
 */
export async function openDashboard(
  baseURL: string,
  {
    viewport = { width: 1280, height: 800 },
    prepare,
  }: {
    viewport?: { width: number; height: number };
    prepare?: (context: BrowserContext) => Promise<void>;
  } = {},
): Promise<DashboardPage> {
  const browser = await launchChromium();
  const context = await browser.newContext({ baseURL, viewport });
  await prepare?.(context);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  recordPageErrors(page, pageErrors);
  return { browser, context, page, pageErrors };
}

/** What axe finds serious or critical on the page, as "rule: target" lines (none is the goal). */
export async function seriousAccessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id}: ${node.target.join(' ')} — ${node.failureSummary}`,
      ),
    );
}

/** Collects the uncaught errors of the page's scripts into `errors` as they happen (none is the goal). */
export function recordPageErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
}

/**
 * Axe finds nothing serious or critical and no script of the page failed; the view, as it rests
 * rather than under the pointer that clicked it, is saved as `<name>.png` in SCREENSHOTS.
 */
export async function checkView(
  page: Page,
  pageErrors: string[],
  name: string,
  { fullPage = true } = {},
): Promise<void> {
  await page.mouse.move(0, 0);
  expect(await seriousAccessibilityProblems(page)).toEqual([]);
  expect(pageErrors).toEqual([]);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** The text of a file the page downloaded (a CSV, a JSON record). */
export async function downloadedText(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
