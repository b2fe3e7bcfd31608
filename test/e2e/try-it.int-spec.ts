import { join } from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { Pool } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { recordPageErrors, checkView, openDashboard } from '../support/browser';
import { ensureDashboardBuilt, TEST_DASHBOARD_DIR } from '../support/dashboard-build';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { DATABASE_URL, RABBITMQ_URL } from '../support/infrastructure';
import { NpmStart, npmStart, withoutTwilioAccount } from '../support/npm-start';
import { callApi } from '../support/system';

/**
 * README's "Try it in two minutes", as a newcomer does it: `npm start` on an empty directory seeds
 * the demo school and prints the dashboard's and the phone simulator's addresses; the newcomer
 * signs in as the coach, texts her from the simulator in another tab, and answers.
 */
const ROOT = join(__dirname, '..', '..');
/** A database of its own, dropped before each run: the directory `npm start` finds is empty. */
const FRESH_DATABASE_URL = (() => {
  const url = new URL(DATABASE_URL);
  url.pathname = `${url.pathname}_try_it`;
  return url.toString();
})();
const COACH = 'Carla Reyes';
const STUDENT = { name: 'Maya Johnson', phone: '+14155550142' };

const national = (e164: string) => parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let system: NpmStart;
let env: NodeJS.ProcessEnv;
let dashboardUrl: string;
let simulatorUrl: string;
let browser: Browser;
let context: BrowserContext;
let dashboard: Page;
let simulator: Page;
let coachNumber: string;
let pageErrors: string[];

/** Runs `npm start` (kept in `system`, so afterAll stops it whatever happens) until it says "Try it". */
async function startAndWaitUntilReady(): Promise<void> {
  system = npmStart(env);
  const { lines } = system;
  await eventually(
    () => expect(lines.map((line) => line.msg)).toContainEqual(expect.stringMatching(/^Try it/)),
    { timeoutMs: 150_000, intervalMs: 250 },
  );
}

async function dropFreshDatabase(): Promise<void> {
  const admin = new Pool({ connectionString: DATABASE_URL, max: 1 });
  const name = new URL(FRESH_DATABASE_URL).pathname.slice(1);
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

beforeAll(async () => {
  ensureDashboardBuilt();
  await dropFreshDatabase();
  const port = await freePort();
  const emulatorPort = await freePort();
  dashboardUrl = `http://127.0.0.1:${port}`;
  simulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  env = withoutTwilioAccount({
    ...process.env,
    DATABASE_URL: FRESH_DATABASE_URL,
    RABBITMQ_URL,
    PORT: String(port),
    PUBLIC_BASE_URL: dashboardUrl,
    TWILIO_EMULATOR_PORT: String(emulatorPort),
    DASHBOARD_DIR: TEST_DASHBOARD_DIR,
    LOG_LEVEL: 'info',
    NODE_EXTRA_CA_CERTS: join(ROOT, 'test/support/push-service.crt'),
  });
  await startAndWaitUntilReady();

  ({ browser, context, page: dashboard, pageErrors } = await openDashboard(dashboardUrl));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('try it in two minutes: npm start, the demo school and the phone simulator', () => {
  it('seeds the demo school into the empty directory and prints the dashboard and the simulator', async () => {
    const messages = system.lines.filter((line) => line.service === 'start').map((l) => l.msg);
    expect(messages).toContain('seeded the demo school into the empty directory');
    expect(messages).toContainEqual(
      `Try it: open the dashboard at ${dashboardUrl}/ and sign in as ${COACH}; ` +
        `text from the phone simulator at ${simulatorUrl}/`,
    );

    const staff = await callApi(dashboardUrl, 'GET', '/api/dev/staff');
    expect(staff.status).toBe(200);
    const people = staff.body as { name: string; role: string; phoneNumber: string | null }[];
    expect(people.map(({ name, role }) => [name, role]).sort()).toEqual([
      ['Carla Reyes', 'coach'],
      ['Dana Whitfield', 'admin'],
      ['Jamal Carter', 'coach'],
      ['Marcus Bell', 'coach_manager'],
      ['Priya Nair', 'coach'],
    ]);
    const coaches = people.filter((person) => person.role === 'coach');
    expect(coaches.every((coach) => coach.phoneNumber?.startsWith('+1'))).toBe(true);
    coachNumber = coaches.find((coach) => coach.name === COACH)!.phoneNumber!;

    // The numbers were bought at the emulator, their SMS URL the gateway's webhook.
    const numbers = await fetch(`${simulatorUrl}/_emulator/numbers`);
    const owned = (
      (await numbers.json()) as { numbers: { phoneNumber: string; name: string; smsUrl: string }[] }
    ).numbers;
    expect(owned).toContainEqual({
      sid: expect.stringMatching(/^PN/),
      phoneNumber: coachNumber,
      name: COACH,
      smsUrl: `${dashboardUrl}/webhooks/twilio/sms`,
    });
    expect(owned).toHaveLength(3);
  });

  it('signs in as the coach through the development sign-in', async () => {
    await dashboard.goto(`${dashboardUrl}/`);
    await dashboard.getByRole('button', { name: new RegExp(COACH) }).click();
    await dashboard.getByRole('heading', { name: 'SMS tile' }).waitFor();
    await dashboard.getByText('No conversations yet').waitFor();
  });

  it('texts the coach from the simulator in another tab; the text appears live in her tile', async () => {
    simulator = await context.newPage();
    recordPageErrors(simulator, pageErrors);
    await simulator.goto(`${simulatorUrl}/`);
    await simulator
      .getByRole('button', { name: `${STUDENT.name} · ${national(STUDENT.phone)}` })
      .click();
    await simulator.getByRole('heading', { name: `Messages with ${STUDENT.name}` }).waitFor();
    expect(await simulator.getByRole('textbox', { name: 'Phone', exact: true }).inputValue()).toBe(
      national(STUDENT.phone),
    );
    await simulator.getByRole('combobox', { name: 'To' }).selectOption(coachNumber);
    expect(
      await simulator.getByRole('combobox', { name: 'To' }).locator('option:checked').textContent(),
    ).toBe(`${COACH} · ${national(coachNumber)}`);
    await simulator
      .getByRole('textbox', { name: 'Message' })
      .fill('Hi Ms. Reyes, can we meet tomorrow?');
    await simulator.getByRole('button', { name: 'Send' }).click();
    await simulator
      .getByRole('status')
      .getByText(`Sent to ${COACH} · ${national(coachNumber)}.`)
      .waitFor();

    const conversation = dashboard.getByRole('link', { name: new RegExp(STUDENT.name) });
    await conversation.waitFor();
    expect(await conversation.textContent()).toContain('Hi Ms. Reyes, can we meet tomorrow?');
    expect(await conversation.textContent()).toContain('1 unread');
  });

  it('the coach answers from the conversation; the answer appears in the simulator without a reload', async () => {
    await dashboard.getByRole('link', { name: new RegExp(STUDENT.name) }).click();
    await dashboard.getByRole('heading', { name: STUDENT.name }).waitFor();
    const answer = 'Of course, Maya. 3pm in room 204?';
    await dashboard.getByRole('textbox', { name: 'Message' }).fill(answer);
    await dashboard.getByRole('button', { name: 'Send' }).click();

    const reached = simulator.getByRole('listitem').filter({ hasText: answer });
    await reached.waitFor();
    await eventually(async () =>
      expect(await reached.textContent()).toMatch(
        new RegExp(`^From ${COACH} · \\(415\\) .* · Delivered${literally(answer)}$`),
      ),
    );
  });

  it('is accessible and fits a 390 px phone', async () => {
    await simulator.setViewportSize({ width: 390, height: 844 });
    const overflow = await simulator.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBe(0);
    await checkView(simulator, pageErrors, 'simulator');
  });

  it('keeps the directory when started again, and the simulator still texts the coach', async () => {
    expect(await system.stop()).toBe(0);
    await startAndWaitUntilReady();
    const messages = system.lines.filter((line) => line.service === 'start').map((l) => l.msg);
    expect(messages).not.toContain('seeded the demo school into the empty directory');
    const staff = await callApi(dashboardUrl, 'GET', '/api/dev/staff');
    expect(staff.body).toHaveLength(5);

    // The restarted emulator was given the system's numbers back, so a text still reaches her.
    const texted = await fetch(`${simulatorUrl}/_emulator/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: STUDENT.phone, to: coachNumber, body: 'Thanks, see you!' }),
    });
    expect(await texted.json()).toMatchObject({ webhookStatus: 200 });
  }, 240_000);
});
