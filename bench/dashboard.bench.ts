import { mkdirSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { Pool } from 'pg';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium';
import { prepareWebhooks, sendWebhooks } from './inbound.bench';
import { populate, request, runId, sleep } from './support';
import { BenchSystem, waitForQuiet } from './system';

/** Issue 15's budget: compressed JavaScript a first visit to the tile loads. */
const JS_BUDGET_KB = 250;
const CONVERSATIONS = Number(process.env.BENCH_DASHBOARD_CONVERSATIONS ?? 1_000);
const THREAD_MESSAGES = Number(process.env.BENCH_DASHBOARD_THREAD ?? 5_000);
/** "Earlier messages" clicks before the thread's scroll is measured (100 messages each). */
const EARLIER_PAGES = 10;
/** A frame longer than this is a visible stutter. */
const JANK_MS = 50;
const VIEWPORT = { width: 1280, height: 800 };
/** Where the tile and the thread are pictured as measured, to see what was measured. */
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? 'var/screenshots';

/**
 * Part `dashboard`: (a) the JavaScript the built index.html pulls in, compressed, against the
 * 250 KB budget, and what a first visit to the tile really transferred; (b) in headless Chromium,
 * against one coach's number holding `CONVERSATIONS` conversations of which one has
 * `THREAD_MESSAGES` messages (all through signed webhooks, as Twilio sends them): time until the
 * tile's rows and the thread's messages are on the page, and frames and long tasks while scrolling.
 */
export async function benchDashboard(system: BenchSystem): Promise<object> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const bundle = await bundleSizes(system.url);
  const seeded = await seed(system);
  const browser = await launchChromium();
  try {
    const token = system.token(seeded.coachId, 'coach');
    const tile = await measureTile(browser, system.url, token);
    const thread = await measureThread(browser, system.url, token, seeded.threadStudentId);
    return {
      part: 'dashboard',
      bundle,
      seeded: {
        conversations: CONVERSATIONS,
        threadMessages: THREAD_MESSAGES,
        through: 'signed webhooks',
        seconds: seeded.seconds,
      },
      api: seeded.api,
      tile,
      thread,
      targets: {
        firstVisitJsLe250Kb: tile.firstVisitJsTransferredKb <= JS_BUDGET_KB,
        noFrameOver50MsScrollingTile: tile.scroll.framesOver50Ms === 0,
        noFrameOver50MsScrollingThread: thread.scroll.framesOver50Ms === 0,
      },
    };
  } finally {
    await browser.close();
  }
}

/** The JavaScript index.html loads (entry and preloaded chunks), as gzip and brotli compress it. */
async function bundleSizes(url: string) {
  const html = (await request(`${url}/`)).body;
  const scripts = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((match) => match[1]);
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const script of new Set(scripts)) {
    // Node's http sends no Accept-Encoding: the file as built.
    const body = Buffer.from((await request(`${url}${script}`)).body);
    raw += body.length;
    gzip += gzipSync(body).length; // the level the gateway's compression uses (6)
    brotli += brotliCompressSync(body).length;
  }
  return {
    scripts: scripts.length,
    rawKb: kb(raw),
    gzipKb: kb(gzip),
    brotliKb: kb(brotli),
    budgetKb: JS_BUDGET_KB,
  };
}

interface Seeded {
  coachId: string;
  threadStudentId: string;
  seconds: number;
  api: { tileMs: number; tileKb: number; threadPageMs: number };
}

/**
 * One coach with a number, `CONVERSATIONS` students texting it once each, and the first of them
 * `THREAD_MESSAGES` times: signed webhooks through the gateway, as Twilio would send them.
 */
async function seed(system: BenchSystem): Promise<Seeded> {
  const started = performance.now();
  const people = await populate(system, `bench-dash-${runId()}`, 1, CONVERSATIONS);
  await waitForQuiet(system.rabbitmqUrl);
  const [threadStudent, ...others] = people.students;
  const webhooks = [
    ...prepareWebhooks(system, { ...people, students: [threadStudent] }, THREAD_MESSAGES, 'thread'),
    ...prepareWebhooks(system, { ...people, students: others }, others.length, 'tile'),
  ];
  const sent = await sendWebhooks(`${system.url}/webhooks/twilio/sms`, webhooks, {
    concurrency: 16,
  });
  if (sent.statuses['200'] !== webhooks.length) {
    throw new Error(`seeding: webhooks answered ${JSON.stringify(sent.statuses)}`);
  }
  const coachId = people.staff[0].id;
  const db = new Pool({ connectionString: system.databaseUrl, max: 1 });
  try {
    for (;;) {
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM messaging.messages WHERE staff_id = $1',
        [coachId],
      );
      if (rows[0].n >= webhooks.length) break;
      await sleep(500);
    }
  } finally {
    await db.end();
  }
  await waitForQuiet(system.rabbitmqUrl);
  const seconds = Math.round((performance.now() - started) / 1000);

  // The two reads the views start with, warm, as the browser will ask for them.
  const headers = { Authorization: `Bearer ${system.token(coachId, 'coach')}` };
  const timed = async (path: string) => {
    const times: number[] = [];
    let bytes = 0;
    for (let round = 0; round < 6; round += 1) {
      const at = performance.now();
      const answer = await request(`${system.url}${path}`, { headers });
      if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status}`);
      if (round > 0) times.push(performance.now() - at); // the first one warms
      bytes = Buffer.byteLength(answer.body);
    }
    return { ms: Math.round(times.sort((a, b) => a - b)[2]), bytes };
  };
  const tile = await timed('/api/sms/tile');
  const page = await timed(`/api/students/${threadStudent.id}/messages?limit=100`);
  return {
    coachId,
    threadStudentId: threadStudent.id,
    seconds,
    api: { tileMs: tile.ms, tileKb: kb(tile.bytes), threadPageMs: page.ms },
  };
}

/**
 * Records, from navigation start, when each watched selector is first in the page, and every
 * long task (over 50 ms of the main thread) the page runs.
 */
const WATCH_SCRIPT = `
  window.__firstSeen = {};
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    for (const [name, selector] of Object.entries(window.__watch ?? {})) {
      if (!(name in window.__firstSeen) && document.querySelector(selector)) {
        window.__firstSeen[name] = performance.now();
      }
    }
  }).observe(document, { childList: true, subtree: true });
`;

async function openPage(browser: Browser, watch: Record<string, string>): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript(`window.__watch = ${JSON.stringify(watch)};${WATCH_SCRIPT}`);
  return page;
}

/** When the watched selector `name` was first in the page (ms after navigation start). */
async function firstSeen(page: Page, name: string): Promise<number> {
  // A function, not a string: the dashboard's content security policy forbids eval.
  const seen = await page.waitForFunction(
    (key) => (globalThis as unknown as { __firstSeen: Record<string, number> }).__firstSeen[key],
    name,
    { timeout: 60_000 },
  );
  return seen.jsonValue();
}

async function measureTile(browser: Browser, url: string, token: string) {
  const page = await openPage(browser, { rows: 'ul[aria-label="Conversations"] li a' });
  try {
    await page.goto(`${url}/#access_token=${token}`);
    const rowsAtMs = Math.round(await firstSeen(page, 'rows'));
    const rows = await page.locator('ul[aria-label="Conversations"] li').count();
    // Compressed bytes of every script the first visit fetched (as the gateway sent them).
    const transferred = await page.evaluate<number>(
      `performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('.js'))
         .reduce((sum, entry) => sum + entry.encodedBodySize, 0)`,
    );
    // Where the time before the rows went: the script, then the tile's answer (its JSON).
    const [scriptLoadedAtMs, tileAnsweredAtMs] = await page.evaluate<number[]>(
      `['.js', '/api/sms/tile'].map((end) => Math.round(performance.getEntriesByType('resource')
         .find((entry) => entry.name.endsWith(end))?.responseEnd ?? 0))`,
    );
    await page.screenshot({ path: `${SCREENSHOTS}/bench-tile.png` });
    const scroll = await scrollThrough(page, 'ul[aria-label="Conversations"]', 'down');
    return {
      rowsRendered: rows,
      scriptLoadedAtMs,
      tileAnsweredAtMs,
      rowsVisibleAfterMs: rowsAtMs,
      firstVisitJsTransferredKb: kb(transferred),
      scroll,
      longTasksMs: await longTasks(page),
    };
  } finally {
    await page.context().close();
  }
}

async function measureThread(browser: Browser, url: string, token: string, studentId: string) {
  const page = await openPage(browser, { messages: 'ol[aria-label="Messages"] li' });
  try {
    await page.goto(`${url}/students/${encodeURIComponent(studentId)}#access_token=${token}`);
    const messagesAtMs = Math.round(await firstSeen(page, 'messages'));
    const list = page.locator('ol[aria-label="Messages"] > li');
    const earlierMs: number[] = [];
    for (let i = 0; i < EARLIER_PAGES; i += 1) {
      const before = await list.count();
      const at = performance.now();
      await page.getByRole('button', { name: 'Earlier messages' }).click();
      await list.nth(before).waitFor();
      earlierMs.push(Math.round(performance.now() - at));
    }
    const shown = await list.count();
    await page.screenshot({ path: `${SCREENSHOTS}/bench-thread.png` });
    const scroll = await scrollThrough(page, 'ol[aria-label="Messages"]', 'up');
    return {
      messagesVisibleAfterMs: messagesAtMs,
      earlierPageMs: earlierMs,
      messagesShownWhileScrolling: shown,
      scroll,
      longTasksMs: await longTasks(page),
    };
  } finally {
    await page.context().close();
  }
}

/**
 * Scrolls the element's scroll container (the tile's pane, or the page) end to end, 120 px a
 * frame as a fast wheel does, and times every frame while it does.
 */
async function scrollThrough(
  page: Page,
  selector: string,
  direction: 'up' | 'down',
): Promise<ScrollResult> {
  return page.evaluate<ScrollResult>(
    `(${SCROLL_SCRIPT})(${JSON.stringify(selector)}, ${direction === 'down' ? 120 : -120}, ${JANK_MS})`,
  );
}

interface ScrollResult {
  scrolledPx: number;
  frames: number;
  framesOver50Ms: number;
  p50FrameMs: number;
  p99FrameMs: number;
  maxFrameMs: number;
}

/** Runs in the page (plain JavaScript): finds the scroll container, scrolls it, times frames. */
const SCROLL_SCRIPT = `async (selector, step, jankMs) => {
  let scroller = document.querySelector(selector);
  while (scroller.parentElement) {
    const overflow = getComputedStyle(scroller).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && scroller.scrollHeight > scroller.clientHeight) break;
    scroller = scroller.parentElement;
  }
  if (!scroller.parentElement) scroller = document.scrollingElement;
  scroller.scrollTop = step > 0 ? 0 : scroller.scrollHeight;
  let last = await new Promise((resolve) => requestAnimationFrame(resolve));
  const frames = [];
  for (;;) {
    const before = scroller.scrollTop;
    scroller.scrollTop += step;
    const now = await new Promise((resolve) => requestAnimationFrame(resolve));
    frames.push(now - last);
    last = now;
    if (scroller.scrollTop === before) break;
  }
  frames.sort((a, b) => a - b);
  const round = (ms) => Math.round(ms * 10) / 10;
  return {
    scrolledPx: scroller.scrollHeight - scroller.clientHeight,
    frames: frames.length,
    framesOver50Ms: frames.filter((frame) => frame > jankMs).length,
    p50FrameMs: round(frames[Math.floor(frames.length / 2)]),
    p99FrameMs: round(frames[Math.floor(frames.length * 0.99)]),
    maxFrameMs: round(frames[frames.length - 1]),
  };
}`;

/** The page's longest tasks so far (ms), longest first. */
const longTasks = async (page: Page): Promise<number[]> =>
  page.evaluate<number[]>('window.__longTasks.map(Math.round).sort((a, b) => b - a).slice(0, 10)');

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
