import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { checkView, SCREENSHOTS, openDashboard } from '../support/browser';
import { ensureDashboardBuilt } from '../support/dashboard-build';
import { eventually } from '../support/eventually';
import { startSystem, TestSystem } from '../support/system';
import { tokenFor } from '../support/tokens';

const suffix = randomBytes(3).toString('hex');
const admin = { staffId: `admin-long-${suffix}`, role: 'admin' as const };
const coach = { id: `coach-long-${suffix}`, number: '' };
const student = { id: `student-long-${suffix}`, smsPhone: `+1415555${randomInt(1000, 10_000)}` };
/** More than the thread's first page (100). */
const REPLIES = 120;

let system: TestSystem;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ensureDashboardBuilt();
  system = await startSystem();
  const put = async (path: string, body: object) =>
    expect((await system.api('PUT', path, { as: admin, body })).status).toBe(200);
  await put(`/api/staff/${coach.id}`, {
    name: 'Carla Coach',
    email: `${coach.id}@example.edu`,
    role: 'coach',
  });
  await put(`/api/students/${student.id}`, {
    name: 'Sam Student',
    email: `${student.id}@example.edu`,
    smsPhone: student.smsPhone,
  });
  coach.number = await system.buyNumber(admin, coach.id);

  // The replies reach the coach as the student's once every service has its copy of both.
  await eventually(async () => {
    const { rows } = await system.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM numbers.outbox',
    );
    expect(rows[0].n).toBe(0);
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let reply = 1; reply <= REPLIES; reply += 1) await text(`Reply ${reply}`);
  await eventually(async () => {
    const history = await system.api('GET', `/api/students/${student.id}/messages`, {
      as: admin,
    });
    expect(history.body).toHaveLength(REPLIES);
  });

  ({ browser, page, pageErrors } = await openDashboard(system.url));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

async function text(body: string) {
  await system.text(student.smsPhone, coach.number, body);
}

const thread = () => page.getByRole('list', { name: 'Messages' });
const sentToStudent = async (body: string) => {
  const { body: listing } = await system.emulator.control('/messages');
  return (listing as { messages: { body: string; to: string }[] }).messages.filter(
    (sent) => sent.body === body && sent.to === student.smsPhone,
  );
};

describe('a long conversation in the browser', () => {
  it('shows the newest 100 messages and loads the earlier ones above them', async () => {
    const token = tokenFor(coach.id, 'coach');
    await page.goto(`/students/${student.id}#access_token=${token}`);
    await thread().getByText(`Reply ${REPLIES}`, { exact: true }).waitFor();
    expect(await thread().getByRole('listitem').count()).toBe(100);
    expect(await thread().getByText('Reply 20', { exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: 'Earlier messages' }).click();

    await thread().getByText('Reply 1', { exact: true }).waitFor();
    expect(await thread().getByRole('listitem').count()).toBe(REPLIES);
    expect(await page.getByRole('button', { name: 'Earlier messages' }).count()).toBe(0);
    await checkView(page, pageErrors, 'thread-earlier-messages', { fullPage: false });
  });

  it('keeps a send whose answer was lost in the box, and Try again sends it once', async () => {
    const words = 'Bring your notes to room 204';
    // The request reaches the gateway (and the text goes to Twilio), but its answer never
    // comes back, as when a phone loses its signal mid-send.
    let answersLost = 1;
    await page.route('**/api/messages', async (route) => {
      if (answersLost === 0) return route.continue();
      answersLost -= 1;
      await route.fetch();
      await route.abort('failed');
    });
    const message = page.getByRole('textbox', { name: 'Message' });
    await message.fill(words);
    await page.getByRole('button', { name: 'Send' }).click();

    const notSent = page.getByRole('alert').filter({ hasText: 'Maybe not sent' });
    await notSent
      .getByText(
        'Fidelis SMS did not answer, so this message may not have gone. Try again: it is never sent twice.',
      )
      .waitFor();
    expect(await message.inputValue()).toBe(words);
    await notSent.scrollIntoViewIfNeeded();
    await checkView(page, pageErrors, 'composer-not-sent', { fullPage: false });
    await eventually(async () => expect(await sentToStudent(words)).toHaveLength(1));

    await notSent.getByRole('button', { name: 'Try again' }).click();

    const sent = thread().getByRole('listitem').filter({ hasText: words });
    await sent.filter({ hasText: /Delivered$/ }).waitFor();
    // The first try did reach the gateway, so the thread has the message already: the retry
    // shows it once, not again as "Sending…".
    await eventually(async () => expect(await sent.count()).toBe(1));
    expect(await message.inputValue()).toBe('');
    expect(await notSent.count()).toBe(0);
    // The same Idempotency-Key: the API gave the first message back and sent nothing more.
    expect(await sentToStudent(words)).toHaveLength(1);
    await page.unroute('**/api/messages');
  });

  it('shows a message as "Sending…" until the thread has it', async () => {
    const words = 'See you at 3';
    // The answer held back a moment, so that "Sending…" can be seen.
    await page.route('**/api/messages', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await page.getByRole('textbox', { name: 'Message' }).fill(words);
    await page.getByRole('button', { name: 'Send' }).click();

    const item = thread().getByRole('listitem').filter({ hasText: words });
    await item.filter({ hasText: /Sending…$/ }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'thread-sending.png') });
    await checkView(page, pageErrors, 'thread-sent', { fullPage: false });
    await item.filter({ hasText: /Delivered$/ }).waitFor();
    await eventually(async () => expect(await item.count()).toBe(1));
    await page.unroute('**/api/messages');
  });
});
