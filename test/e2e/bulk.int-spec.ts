import { randomBytes, randomInt } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Browser, Page } from 'playwright-core';
import { checkView, openDashboard } from '../support/browser';
import { ensureDashboardBuilt } from '../support/dashboard-build';
import { eventually } from '../support/eventually';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { startSystem, TestSystem } from '../support/system';
import { tokenFor } from '../support/tokens';

/** As in dashboard.int-spec.ts: var/screenshots, or SCREENSHOT_DIR for the README's pictures. */
const suffix = randomBytes(3).toString('hex');
const admin = { staffId: `admin-bulk-${suffix}`, role: 'admin' as const };
const coach = { id: `coach-bulk-${suffix}`, name: 'Carla Coach', number: '' };
const coachWithoutNumber = { id: `coach-nonumber-${suffix}`, name: 'Nina Newcomer' };

/** A phone no earlier run's student has (a shared phone would name two students). */
const freshPhone = () => `+1415${randomInt(2_000_000, 10_000_000)}`;
/** Found by searching for their emails' domain, which only this run's section has. */
const section = `bulk-${suffix}.example.edu`;
const searched = ['Ava Martin', 'Ben Okafor', 'Cleo Park'].map((name) => ({
  id: `student-${name.split(' ')[0].toLowerCase()}-${suffix}`,
  name,
  email: `${name.split(' ')[0].toLowerCase()}@${section}`,
  smsPhone: freshPhone(),
}));
/** Pasted: one by email, one by phone (whose texts fail, so it goes by email instead). */
const byEmail = {
  id: `student-dev-${suffix}`,
  name: 'Dev Shah',
  email: `dev.shah-${suffix}@example.edu`,
  smsPhone: freshPhone(),
};
const byPhone = {
  id: `student-eli-${suffix}`,
  name: 'Eli Brooks',
  email: `eli.brooks-${suffix}@example.edu`,
  smsPhone: freshPhone(),
};
const everyone = [...searched, byEmail, byPhone];
const nobody = `no-such-student-${suffix}`;

const national = (e164: string) => parsePhoneNumberFromString(e164)?.formatNational() ?? e164;

let system: TestSystem;
let smtp: SmtpSink;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ensureDashboardBuilt();
  smtp = await startSmtpSink();
  system = await startSystem({ env: { SMTP_URL: smtp.url } });
  const put = async (path: string, body: object) =>
    expect((await system.api('PUT', path, { as: admin, body })).status).toBe(200);
  for (const staff of [coach, coachWithoutNumber]) {
    await put(`/api/staff/${staff.id}`, {
      name: staff.name,
      email: `${staff.id}@example.edu`,
      role: 'coach',
    });
  }
  for (const { id, ...student } of everyone) await put(`/api/students/${id}`, student);
  coach.number = await system.buyNumber(admin, coach.id);
  await system.emulator.control('/destinations', {
    phoneNumber: byPhone.smsPhone,
    status: 'failed',
    errorCode: 30003,
  });

  ({ browser, page, pageErrors } = await openDashboard(system.url, {
    viewport: { width: 1280, height: 900 },
  }));
  page.setDefaultTimeout(15_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
  await smtp?.close();
});

/** Signed in as the platform signs staff in: the token in the address's fragment. */
async function signInAt(address: string, staffId: string) {
  await page.goto('about:blank');
  await page.goto(`${system.url}${address}#access_token=${tokenFor(staffId, 'coach')}`);
}

/** What the emulator (Twilio) was asked to send to these phones. */
async function sentTo(phones: string[]) {
  const { body } = await system.emulator.control('/messages');
  return (body as { messages: { from: string; to: string; body: string }[] }).messages.filter(
    (message) => phones.includes(message.to),
  );
}

describe('a bulk message in the browser', () => {
  let progressAddress = '';

  it('chooses students by search and by a pasted list, naming the line that matched nobody', async () => {
    await signInAt('/', coach.id);
    await page.getByRole('link', { name: 'Bulk' }).click();
    await page.getByRole('heading', { name: 'Bulk message' }).waitFor();

    // Two from one search, which stays open after each click; the third with the keyboard.
    const students = page.getByRole('combobox', { name: 'Students' });
    await students.fill(section);
    for (const { name } of searched.slice(0, 2)) {
      await page.getByRole('option', { name: new RegExp(name) }).click();
    }
    await students.fill(searched[2].email);
    await eventually(async () =>
      expect(await page.getByRole('option').allTextContents()).toEqual([
        `${searched[2].name} · ${national(searched[2].smsPhone)}`,
      ]),
    );
    await students.press('ArrowDown');
    await students.press('Enter');
    await students.press('Escape');

    await page
      .getByRole('textbox', { name: 'Or paste a list' })
      .fill(`${byEmail.email.toUpperCase()}\n${national(byPhone.smsPhone)}, ${nobody}`);
    await page.getByRole('button', { name: 'Add these students' }).click();
    await page.getByText('Added 2 students.').waitFor();
    const notFound = page.getByRole('alert').filter({ hasText: '1 line matches no student' });
    await notFound.waitFor();
    expect(await notFound.getByRole('listitem').allTextContents()).toEqual([nobody]);
    expect(await page.getByRole('textbox', { name: 'Or paste a list' }).inputValue()).toBe(nobody);
  });

  it('previews the first three texts and counts the cost before sending', async () => {
    await page
      .getByRole('textbox', { name: 'Message' })
      .fill('Hi {{firstName}}, the study session moves to 6pm in room 204.');
    for (const first of ['Ava', 'Ben', 'Cleo']) {
      await page.getByText(`Hi ${first}, the study session moves to 6pm in room 204.`).waitFor();
    }
    await page.getByText('…and 2 more.').waitFor();
    await page.getByText('5 recipients × 1 segment = 5 messages').waitFor();
    await page.getByText('GSM-7').waitFor();
    await checkView(page, pageErrors, 'bulk');
  });

  it("sends once on a double click, from the coach's number, and follows it to done", async () => {
    await page.getByRole('button', { name: 'Send to 5 students' }).dblclick();
    await page.waitForURL(/\/bulk\?bulkId=/);
    progressAddress = new URL(page.url()).pathname + new URL(page.url()).search;

    await page.getByRole('heading', { name: 'Done' }).waitFor({ timeout: 30_000 });
    const phones = everyone.map((student) => student.smsPhone);
    const atTwilio = await eventually(async () => {
      const sent = await sentTo(phones);
      expect(sent).toHaveLength(5);
      return sent;
    });
    expect(new Set(atTwilio.map((message) => message.from))).toEqual(new Set([coach.number]));
    expect(atTwilio.find((message) => message.to === byEmail.smsPhone)?.body).toBe(
      'Hi Dev, the study session moves to 6pm in room 204.',
    );

    await page.getByRole('progressbar', { name: 'Delivered: 4 of 5' }).waitFor();
    await page.getByRole('progressbar', { name: 'Not delivered: 1 of 5' }).waitFor();
    await eventually(async () => expect(smtp.to(byPhone.email)).toHaveLength(1));
    await checkView(page, pageErrors, 'bulk-progress');
  });

  it('links the failure counts to the students the text did not reach', async () => {
    await page.getByRole('link', { name: 'Emailed instead: 1, see who' }).click();
    const notTexted = page.getByRole('link', { name: 'Eli Brooks' });
    await notTexted.waitFor();
    await page.getByText(`emailed instead to ${byPhone.email}`).waitFor();
    await notTexted.click();
    await page.waitForURL(`**/students/${byPhone.id}`);
  });

  it('shows the same progress after a reload, and starts another bulk message', async () => {
    await page.goto(progressAddress);
    await page.getByRole('heading', { name: 'Done' }).waitFor();
    await page.getByRole('progressbar', { name: 'Delivered: 4 of 5' }).waitFor();
    await page.getByRole('link', { name: 'Start another bulk message' }).click();
    await page.getByRole('heading', { name: 'Bulk message' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
    await page.getByRole('button', { name: 'Send to 0 students' }).waitFor();
  });

  it('fits a 390 px wide phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('textbox', { name: 'Or paste a list' }).fill(searched[0].id);
    await page.getByRole('button', { name: 'Add these students' }).click();
    await page.getByText('Added 1 student.').waitFor();
    await page.getByRole('textbox', { name: 'Message' }).fill('See you at 6pm, {{name}}!');
    await page.getByText('See you at 6pm, Ava Martin!').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await checkView(page, pageErrors, 'bulk-390');

    await page.goto(progressAddress);
    await page.getByRole('heading', { name: 'Done' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await checkView(page, pageErrors, 'bulk-progress-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('tells a coach without a number how to get one, with nothing to send', async () => {
    await signInAt('/bulk', coachWithoutNumber.id);
    await page.getByText("You don't have a texting number yet. An admin can assign one.").waitFor();
    expect(await page.getByRole('button', { name: /^Send/ }).count()).toBe(0);
    await checkView(page, pageErrors, 'bulk-no-number');
  });
});
