import { randomBytes, randomInt } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkView, recordPageErrors, openDashboard } from '../support/browser';
import { ensureDashboardBuilt } from '../support/dashboard-build';
import { eventually } from '../support/eventually';
import { startSmtpSink, SmtpSink } from '../support/smtp-sink';
import { startSystem, TestSystem } from '../support/system';
import { tokenFor } from '../support/tokens';

/** Where each view's screenshot goes (see dashboard.int-spec.ts). */
/** Words only this run's messages contain: the test database keeps earlier runs' messages. */
const run = randomBytes(3).toString('hex');
const homework = `homework${run}`;
const pager = `pager${run}`;

const admin = { staffId: `admin-global-${run}`, role: 'admin' as const, name: 'Ada Admin' };
const carla = { staffId: `coach-global-${run}`, role: 'coach' as const, name: 'Carla Coach' };
const dana = { staffId: `coach2-global-${run}`, role: 'coach' as const, name: `Dana Dean ${run}` };
const sam = {
  id: `sam-global-${run}`,
  name: 'Sam Student',
  phone: `+1415555${randomInt(1000, 10_000)}`,
};
/** A student without an SMS phone: what she is sent goes by email. */
const tia = { id: `tia-global-${run}`, name: 'Tia Student', email: `tia-${run}@example.edu` };
const unknownSender = `+1628555${randomInt(1000, 10_000)}`;
/** The dashboard's page size: one more page than that proves paging. */
const PAGE = 50;

const national = (e164: string) => parsePhoneNumberFromString(e164)?.formatNational() ?? e164;

let system: TestSystem;
let smtp: SmtpSink;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const numbers = new Map<string, string>();
let pageErrors: string[];

beforeAll(async () => {
  ensureDashboardBuilt();
  smtp = await startSmtpSink();
  system = await startSystem({ env: { SMTP_URL: smtp.url } });
  const put = async (path: string, body: object) =>
    expect((await system.api('PUT', path, { as: admin, body })).status).toBe(200);
  for (const staff of [admin, carla, dana]) {
    await put(`/api/staff/${staff.staffId}`, {
      name: staff.name,
      email: `${staff.staffId}@example.edu`,
      role: staff.role,
    });
  }
  await put(`/api/students/${sam.id}`, { name: sam.name, smsPhone: sam.phone });
  await put(`/api/students/${tia.id}`, { name: tia.name, email: tia.email });
  for (const coach of [carla, dana]) {
    numbers.set(coach.staffId, await system.buyNumber(admin, coach.staffId));
  }

  ({ browser, context, page, pageErrors } = await openDashboard(system.url));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
  await smtp?.close();
});

/** A phone texts a coach's number through the emulator, as a phone would. */
async function text(from: string, coach: { staffId: string }, body: string) {
  await system.text(from, numbers.get(coach.staffId) ?? '', body);
}

/** The coach sends from her own number; the answer is the stored message. */
async function send(coach: typeof carla, studentId: string, body: string) {
  const sent = await system.api('POST', '/api/messages', { as: coach, body: { studentId, body } });
  expect(sent.status).toBe(202);
  return sent.body as { id: string };
}

/** The global tab's messages as shown, each as its text. */
const rows = () => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
const rowTexts = () => rows().allTextContents();

/** Types into the search field and waits for the address to carry the words. */
async function search(words: string) {
  await page.getByRole('searchbox', { name: 'Search' }).fill(words);
  await eventually(() => expect(new URL(page.url()).searchParams.get('q') ?? '').toBe(words));
}

/** Picks an option of one of the tab's filters (a combobox and its listbox). */
async function choose(filter: string, option: string) {
  await page.getByRole('combobox', { name: filter }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe('the global SMS tab', () => {
  it('shows an admin every message newest first: who, which way, what, and what became of it', async () => {
    await text(sam.phone, carla, `Is the ${homework} due Friday?`);
    await text(unknownSender, dana, `Who has the ${homework} sheet?`);
    const answer = await send(carla, sam.id, `Yes, the ${homework} is due Friday`);
    await send(carla, tia.id, `Tia, your ${homework} is missing`);
    await eventually(async () => {
      const stored = await system.api('GET', `/api/messages/${answer.id}`, { as: admin });
      expect(stored.body.status).toBe('delivered');
    });
    await eventually(async () => expect(smtp.to(tia.email)).toHaveLength(1));
    // The API names the student and the staff member of each message (null when there is none).
    const listed = await system.api('GET', `/api/sms?q=${homework}`, { as: admin });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ studentName: tia.name, staffName: carla.name }),
      expect.objectContaining({ studentName: sam.name, staffName: carla.name }),
      expect.objectContaining({ studentName: null, staffName: dana.name, from: unknownSender }),
      expect.objectContaining({ studentName: sam.name, staffName: carla.name }),
    ]);

    await page.goto(`/#access_token=${tokenFor(admin.staffId, admin.role)}`);
    await page.getByRole('link', { name: 'Global SMS' }).click();
    await page.waitForURL('**/sms');
    await page.getByRole('heading', { name: 'Global SMS' }).waitFor();
    await eventually(async () => {
      const shown = (await rowTexts()).slice(0, 4);
      expect(shown[0]).toContain(`From Carla Coach to Tia Student`);
      expect(shown[0]).toContain(`emailed instead to ${tia.email}`);
      expect(shown[1]).toContain(`OutgoingFrom Carla Coach to Sam Student`);
      expect(shown[1]).toContain('Delivered');
      expect(shown[2]).toContain(`IncomingFrom ${national(unknownSender)} to ${dana.name}`);
      expect(shown[3]).toContain(`IncomingFrom Sam Student to Carla Coach`);
      expect(shown[3]).toContain(`Is the ${homework} due Friday?`);
    });
    // The student opens the student's view; an unknown sender's phone, that phone's conversation.
    const list = page.getByRole('list', { name: 'Messages' });
    expect(await list.getByRole('link', { name: 'Sam Student' }).first().getAttribute('href')).toBe(
      `/students/${sam.id}`,
    );
    expect(
      await list.getByRole('link', { name: national(unknownSender) }).getAttribute('href'),
    ).toBe(`/sms?contactPhone=${encodeURIComponent(unknownSender)}`);
  });

  it('narrows the list to the messages that have the searched word', async () => {
    await search(homework);
    await eventually(async () => expect(await rows().count()).toBe(4));
    await checkView(page, pageErrors, 'global-sms');
    await search(`${homework} Friday`);
    await eventually(async () => expect(await rows().count()).toBe(2));
    // The search is in the address, so it can be reloaded and shared.
    expect(new URL(page.url()).searchParams.get('q')).toBe(`${homework} Friday`);
  });

  it('filters by direction, status and staff member', async () => {
    await search(homework);
    await choose('Direction', 'Outgoing');
    await eventually(async () => {
      const shown = await rowTexts();
      expect(shown).toHaveLength(2);
      for (const row of shown) expect(row).toContain('Outgoing');
    });
    await choose('Status', 'Delivered');
    await eventually(async () => {
      const shown = await rowTexts();
      expect(shown).toHaveLength(1);
      expect(shown[0]).toContain(`Yes, the ${homework} is due Friday`);
    });

    await choose('Direction', 'Both directions');
    await choose('Status', 'Any status');
    await choose('Staff member', dana.name);
    await eventually(async () => {
      const shown = await rowTexts();
      expect(shown).toHaveLength(1);
      expect(shown[0]).toContain(`Who has the ${homework} sheet?`);
    });

    await search(`nothing${run}`);
    await page.getByText('No message matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear the search and filters' }).click();
    await eventually(async () => expect(await rows().count()).toBeGreaterThanOrEqual(4));
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('');
  });

  it('marks the searched words in each message', async () => {
    await search(`${homework} friday`);
    await eventually(async () => expect(await rows().count()).toBe(2));
    for (const row of await rows().all()) {
      // As written in the message ("Friday"), though searched for in lower case.
      expect(await row.locator('mark').allTextContents()).toEqual([homework, 'Friday']);
    }
  });

  it('filters by student and by day', async () => {
    await page.goto(`/sms?q=${homework}`);
    await eventually(async () => expect(await rows().count()).toBe(4));
    // Names repeat (earlier runs' Tia Students): the option shows her email too.
    await page.getByRole('combobox', { name: 'Student' }).fill(tia.name);
    await page.getByRole('option', { name: new RegExp(tia.email) }).click();
    await eventually(async () => {
      const shown = await rowTexts();
      expect(shown).toHaveLength(1);
      expect(shown[0]).toContain(`Tia, your ${homework} is missing`);
    });
    expect(new URL(page.url()).searchParams.get('studentId')).toBe(tia.id);
    await page.getByRole('combobox', { name: 'Student' }).fill('');
    await eventually(async () => expect(await rows().count()).toBe(4));

    const day = (offset: number) => {
      const at = new Date();
      at.setDate(at.getDate() + offset);
      return `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
    };
    await page.getByLabel('From day').fill(day(1));
    await page.getByText('No message matches these filters.').waitFor();
    await page.getByLabel('From day').fill(day(0));
    await page.getByLabel('To day').fill(day(0));
    await eventually(async () => expect(await rows().count()).toBe(4));
    expect(new URL(page.url()).searchParams.get('since')).toBe(day(0));
    await page.getByLabel('To day').fill(day(-1));
    await page.getByText('No message matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear the search and filters' }).click();
  });

  it("opens a message's conversation from its row", async () => {
    await page.goto(`/sms?q=${homework}`);
    await eventually(async () => expect(await rows().count()).toBe(4));
    await page
      .getByRole('list', { name: 'Messages' })
      .getByRole('link', { name: 'Sam Student' })
      .first()
      .click();
    await page.waitForURL(`**/students/${sam.id}`);
    await page.getByRole('heading', { name: 'Sam Student' }).waitFor();
    await page
      .getByRole('list', { name: 'Messages' })
      .getByText(`Yes, the ${homework} is due Friday`)
      .waitFor();
    await page.goBack();
    await eventually(async () => expect(await rows().count()).toBe(4));
  });

  it('pages to older messages, and shows new ones live', async () => {
    for (let batch = 0; batch < PAGE + 2; batch += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, PAGE + 2 - batch) }, (_, i) =>
          text(sam.phone, carla, `Paging note ${batch + i + 1} ${pager}`),
        ),
      );
    }
    await eventually(
      async () => {
        const stored = await system.api('GET', `/api/sms?q=${pager}&limit=200`, { as: admin });
        expect(stored.body.items).toHaveLength(PAGE + 2);
      },
      { timeoutMs: 30_000 },
    );
    await page.goto('/sms');
    await search(pager);
    // The searched page, not the whole list that was there a moment before (also 50 rows): a click
    // on its "Older messages" would page the list the search then replaced.
    await eventually(
      async () => {
        const shown = await rowTexts();
        expect(shown).toHaveLength(PAGE);
        expect(shown.filter((row) => !row.includes(pager))).toEqual([]);
      },
      { timeoutMs: 20_000 },
    );
    await page.getByRole('button', { name: 'Older messages' }).click();
    await eventually(async () => expect(await rows().count()).toBe(PAGE + 2));
    await page.getByText('No older messages.').waitFor();
    expect(await page.getByRole('button', { name: 'Older messages' }).count()).toBe(0);
    const shown = await rowTexts();
    expect(new Set(shown).size).toBe(PAGE + 2);

    await text(sam.phone, carla, `One more note ${pager}`);
    await eventually(async () => expect((await rowTexts())[0]).toContain('One more note'));
    expect(await rows().count()).toBe(PAGE + 3);
  });

  it('fits a 390 px wide phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/sms?q=${homework}`);
    await eventually(async () => expect(await rows().count()).toBe(4));
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await checkView(page, pageErrors, 'global-sms-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('refuses a coach plainly and points her to her SMS tile', async () => {
    const coachPage = await context.newPage();
    recordPageErrors(coachPage, pageErrors);
    await coachPage.goto(`/sms#access_token=${tokenFor(carla.staffId, carla.role)}`);
    await coachPage
      .getByText(
        'The global SMS tab is for admins and managers. Your conversations are in your SMS tile.',
      )
      .waitFor();
    expect(await coachPage.getByText(/403|Forbidden/).count()).toBe(0);
    expect(await coachPage.getByRole('link', { name: 'Global SMS' }).count()).toBe(0);
    await checkView(coachPage, pageErrors, 'global-sms-refused');

    await coachPage.getByRole('link', { name: 'Go to your SMS tile' }).click();
    await coachPage.getByRole('heading', { name: 'SMS tile' }).waitFor();
    await coachPage.close();
  });
});
