import { randomBytes, randomInt } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { checkView, downloadedText, openDashboard } from '../support/browser';
import { ensureDashboardBuilt } from '../support/dashboard-build';
import { eventually } from '../support/eventually';
import { startSystem, TestSystem } from '../support/system';
import { zoneWhereItIs } from '../support/time-zones';
import { tokenFor } from '../support/tokens';

/**
 * The compliance rules as a coach meets them in the dashboard: the composer says a text to a
 * student in their night waits for the morning, and the Scheduled page lists it and cancels it.
 */
const run = randomBytes(3).toString('hex');
const admin = { staffId: `admin-quiet-${run}`, role: 'admin' as const };
const carla = { staffId: `coach-quiet-${run}`, role: 'coach' as const };

const nia = {
  id: `nia-quiet-${run}`,
  name: 'Nia Night',
  phone: `+1415555${randomInt(1000, 10_000)}`,
  timezone: zoneWhereItIs([1, 2, 3, 4, 5]),
};

let system: TestSystem;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ensureDashboardBuilt();
  system = await startSystem({ env: { QUIET_HOURS: '21:00-08:00' } });
  const put = async (path: string, body: object) =>
    expect((await system.api('PUT', path, { as: admin, body })).status).toBe(200);
  await put(`/api/staff/${admin.staffId}`, {
    name: 'Ada Admin',
    email: `${admin.staffId}@example.edu`,
    role: 'admin',
  });
  await put(`/api/staff/${carla.staffId}`, {
    name: 'Carla Coach',
    email: `${carla.staffId}@example.edu`,
    role: 'coach',
  });
  await put(`/api/students/${nia.id}`, {
    name: nia.name,
    smsPhone: nia.phone,
    timezone: nia.timezone,
  });
  await system.buyNumber(admin, carla.staffId);
  ({ browser, page, pageErrors } = await openDashboard(system.url));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

describe('quiet hours in the dashboard', () => {
  it('tells the coach before she sends that the text waits for the morning, then schedules it', async () => {
    await page.goto(`/#access_token=${tokenFor(carla.staffId, carla.role)}`);
    await page.goto(`/students/${nia.id}`);
    const note = page.getByRole('alert').filter({ hasText: 'Quiet hours' });
    await note.waitFor();
    expect(await note.textContent()).toContain(
      "It's night where this student is. Sent now, your message waits and goes",
    );
    await checkView(page, pageErrors, 'quiet-hours-composer');

    await page.getByRole('textbox', { name: 'Message' }).fill('Your essay is due Friday');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText(/^Scheduled: it goes/).waitFor();
    const stored = await system.db.query<{ status: string; send_at: Date }>(
      `SELECT status, send_at FROM messaging.messages WHERE student_id = $1`,
      [nia.id],
    );
    expect(stored.rows).toEqual([{ status: 'scheduled', send_at: expect.any(Date) }]);
    expect(
      DateTime.fromJSDate(stored.rows[0].send_at).setZone(nia.timezone).toFormat('HH:mm'),
    ).toBe('08:00');
  });

  it('lists the scheduled message and cancels it after asking', async () => {
    await page.getByRole('link', { name: 'See your scheduled messages' }).click();
    await page.waitForURL('**/scheduled');
    const list = page.getByRole('list', { name: 'Scheduled messages' });
    await list.waitFor();
    expect(await list.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Your essay is due Friday'),
    ]);
    await checkView(page, pageErrors, 'scheduled');

    await page.getByRole('button', { name: 'Cancel the message to Nia Night' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this message?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel the message' }).click();
    await page.getByText(/^Nothing scheduled\./).waitFor();
    await eventually(async () => {
      const { rows } = await system.db.query<{ status: string }>(
        'SELECT status FROM messaging.messages WHERE student_id = $1',
        [nia.id],
      );
      expect(rows).toEqual([{ status: 'canceled' }]);
    });
    expect(system.emulator.emulator.state.messages.filter((m) => m.to === nia.phone)).toEqual([]);
  });
});

describe("a student's record and consent in the dashboard", () => {
  it('puts a message that asks to stop in other words in Needs attention, and the admin confirms it', async () => {
    const numbers = await system.api('GET', '/api/numbers', { as: admin });
    const carlaNumber = numbers.body.find(
      (n: { staffId: string | null }) => n.staffId === carla.staffId,
    ).phoneNumber as string;
    await system.text(nia.phone, carlaNumber, 'please stop texting me');

    await page.goto(`/#access_token=${tokenFor(admin.staffId, admin.role)}`);
    await page.goto('/sms?attention=true');
    const item = page
      .getByRole('list', { name: 'Messages' })
      .getByRole('listitem')
      .filter({ hasText: 'please stop texting me' });
    await item.waitFor();
    expect(await item.textContent()).toContain('May have asked to stop texting');
    await checkView(page, pageErrors, 'possible-opt-out');
    await item.getByRole('button', { name: 'Confirm the opt-out' }).click();
    await item.getByText(/^Opted out: texts from/).waitFor();
    await eventually(async () => expect(await item.count()).toBe(0), { timeoutMs: 30_000 });

    await page.goto(`/students/${nia.id}`);
    const status = page.getByText(/^Opted out of texts from/);
    await status.waitFor();
    expect(await status.textContent()).toContain('(confirmed by staff)');
  });

  it("downloads the student's complete record, and places and lifts a legal hold", async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download ${nia.name}'s record` }).click(),
    ]);
    const record = JSON.parse(await downloadedText(download)) as { messages: { body: string }[] };
    expect(record.messages.map((message) => message.body)).toEqual(
      expect.arrayContaining(['Your essay is due Friday', 'please stop texting me']),
    );

    await page.getByRole('textbox', { name: 'Legal hold reason' }).fill('Records request 42');
    await page.getByRole('button', { name: 'Place a legal hold' }).click();
    await page.getByText(/^Under a legal hold since/).waitFor();
    expect(await page.getByText(/^Under a legal hold since/).textContent()).toContain(
      'Records request 42',
    );
    await checkView(page, pageErrors, 'student-record');
    await page.getByRole('button', { name: 'Lift the legal hold' }).click();
    await page.getByRole('button', { name: 'Place a legal hold' }).waitFor();
  });
});
