import { randomBytes, randomInt } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Browser, Locator, Page } from 'playwright-core';
import { checkView, openDashboard } from '../support/browser';
import { ensureDashboardBuilt } from '../support/dashboard-build';
import { eventually } from '../support/eventually';
import { startSystem, TestSystem } from '../support/system';
import { tokenFor } from '../support/tokens';

/** A word only this run's messages contain: the test database keeps earlier runs' messages. */
const run = randomBytes(3).toString('hex');
const word = `attention${run}`;

const admin = { staffId: `admin-attn-${run}`, role: 'admin' as const, name: 'Ada Admin' };
const manager = {
  staffId: `manager-attn-${run}`,
  role: 'coach_manager' as const,
  name: 'Mina Manager',
};
const carla = { staffId: `coach-attn-${run}`, role: 'coach' as const, name: 'Carla Coach' };
/** Joins without a number: the number nobody holds goes to her. */
const dana = { staffId: `coach2-attn-${run}`, role: 'coach' as const, name: `Dana Dean ${run}` };

const phone = () => `+1415555${randomInt(1000, 10_000)}`;
const sam = { id: `sam-attn-${run}`, name: 'Sam Student', phone: phone() };
/** Tia and Lee share a phone (siblings); neither has texted Carla's number yet. */
const sharedPhone = phone();
const tia = { id: `tia-attn-${run}`, name: 'Tia Student' };
const lee = { id: `lee-attn-${run}`, name: 'Lee Student' };
/** In the directory without an SMS phone: the unknown sender turns out to be her. */
const uma = { id: `uma-attn-${run}`, name: `Uma ${run}`, email: `uma-${run}@example.edu` };
const unknownPhone = `+1628555${randomInt(1000, 10_000)}`;

const national = (e164: string) => parsePhoneNumberFromString(e164)?.formatNational() ?? e164;

let system: TestSystem;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let carlaNumber: string;
let orphanNumber: string;
const bodies = {
  routed: `Can we meet tomorrow ${word}?`,
  unknown: `Hi, who is this ${word}?`,
  shared: `Is class on today ${word}?`,
  orphan: `Anyone there ${word}?`,
};

beforeAll(async () => {
  ensureDashboardBuilt();
  system = await startSystem();
  const put = async (path: string, body: object) =>
    expect((await system.api('PUT', path, { as: admin, body })).status).toBe(200);
  for (const staff of [admin, manager, carla, dana]) {
    await put(`/api/staff/${staff.staffId}`, {
      name: staff.name,
      email: `${staff.staffId}@example.edu`,
      role: staff.role,
    });
  }
  await put(`/api/students/${sam.id}`, { name: sam.name, smsPhone: sam.phone });
  await put(`/api/students/${tia.id}`, { name: tia.name, smsPhone: sharedPhone });
  await put(`/api/students/${lee.id}`, { name: lee.name, smsPhone: sharedPhone });
  await put(`/api/students/${uma.id}`, { name: uma.name, email: uma.email });
  carlaNumber = await system.buyNumber(admin, carla.staffId);
  // Bought for nobody: what is texted to it has no holder to go to.
  const bought = await system.api('POST', '/api/numbers', { as: admin, body: { areaCode: '415' } });
  expect(bought.status).toBe(201);
  orphanNumber = (bought.body as { phoneNumber: string }).phoneNumber;

  await system.text(sam.phone, carlaNumber, bodies.routed);
  await system.text(unknownPhone, carlaNumber, bodies.unknown);
  await system.text(sharedPhone, carlaNumber, bodies.shared);
  await system.text(sam.phone, orphanNumber, bodies.orphan);
  // The API says what needs attention and why (GET /api/sms?attention=true).
  await eventually(async () => {
    const listed = await system.api('GET', `/api/sms?attention=true&q=${word}`, { as: admin });
    expect(
      (listed.body.items as { body: string; attention: string }[])
        .map(({ body, attention }) => `${attention}: ${body}`)
        .sort(),
    ).toEqual(
      [
        `ambiguous: ${bodies.shared}`,
        `no-holder: ${bodies.orphan}`,
        `unknown-sender: ${bodies.unknown}`,
      ].sort(),
    );
  });

  ({ browser, page, pageErrors } = await openDashboard(system.url));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

/** The tab's messages as shown. */
const rows = () => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
/** The row of the message with this body. */
const rowOf = (body: string) => rows().filter({ hasText: body });

/** Picks the option of a combobox whose name contains `option` (its listbox is the open one). */
async function choose(combobox: Locator, typed: string, option: RegExp | string) {
  await combobox.fill(typed);
  await page.getByRole('option', { name: option }).first().click();
}

describe('why each message went where it went', () => {
  it("says a student's message matched their SMS phone, and who held the number since when", async () => {
    await page.goto(`/sms#access_token=${tokenFor(admin.staffId, admin.role)}`);
    await page.getByRole('searchbox', { name: 'Search' }).fill(`meet ${word}`);
    // The searched list, not the one before it (whose rows go when the search lands).
    await page.waitForURL((url) => url.searchParams.get('q') === `meet ${word}`);
    await eventually(async () => expect(await rows().count()).toBe(1));
    const row = rowOf(bodies.routed);
    await row.getByRole('button', { name: 'Why here?' }).click();
    await row
      .getByText(
        new RegExp(
          `^From ${literal(national(sam.phone))} matched Sam Student's SMS phone; ` +
            `To ${literal(national(carlaNumber))} held by Carla Coach since \\w+`,
        ),
      )
      .waitFor();
    await checkView(page, pageErrors, 'global-sms-route');
  });

  it("shows the same words on the student's conversation", async () => {
    await page.goto(`/students/${sam.id}`);
    const thread = page.getByRole('list', { name: 'Messages' });
    const message = thread.getByRole('listitem').filter({ hasText: bodies.routed });
    await message.getByRole('button', { name: 'Why here?' }).click();
    await message
      .getByText(/matched Sam Student's SMS phone; To .* held by Carla Coach since/)
      .waitFor();
    await checkView(page, pageErrors, 'student-why-here');

    // Carla, who cannot list the staff, reads that the number was hers.
    const coachPage = await page.context().newPage();
    await coachPage.goto(`/students/${sam.id}#access_token=${tokenFor(carla.staffId, carla.role)}`);
    const mine = coachPage
      .getByRole('list', { name: 'Messages' })
      .getByRole('listitem')
      .filter({ hasText: bodies.routed });
    await mine.getByRole('button', { name: 'Why here?' }).click();
    await mine.getByText(/matched Sam Student's SMS phone; To .* held by you since/).waitFor();
    await coachPage.close();
  });
});

describe('Needs attention', () => {
  it('gathers the unknown sender, the shared phone nobody picked and the number nobody held', async () => {
    await page.goto(`/sms?attention=true&q=${word}`);
    expect(await page.getByRole('radio', { name: 'Needs attention' }).isChecked()).toBe(true);
    await eventually(async () => expect(await rows().count()).toBe(3));
    const unknown = rowOf(bodies.unknown);
    await unknown.getByText('Needs attention: Unknown sender').waitFor();
    await unknown
      .getByText(`From ${national(unknownPhone)}, a phone no student has`, { exact: false })
      .waitFor();
    await rowOf(bodies.shared)
      .getByText(`shared by Tia Student and Lee Student; nobody has picked which`, { exact: false })
      .or(
        rowOf(bodies.shared).getByText(
          `shared by Lee Student and Tia Student; nobody has picked which`,
          {
            exact: false,
          },
        ),
      )
      .waitFor();
    await rowOf(bodies.orphan)
      .getByText(`nobody held ${national(orphanNumber)} when it arrived`, { exact: false })
      .waitFor();
    await checkView(page, pageErrors, 'global-sms-attention');
  });

  it('shows a manager what needs attention, without the admin-only fixes', async () => {
    const managerPage = await page.context().newPage();
    await managerPage.goto(
      `/sms?attention=true&q=${word}#access_token=${tokenFor(manager.staffId, manager.role)}`,
    );
    const list = managerPage.getByRole('list', { name: 'Messages' });
    await list.getByText('An admin can link this phone to a student.').waitFor();
    await list.getByText('An admin can give this number to a staff member.').waitFor();
    expect(await list.getByRole('button', { name: /^It was / }).count()).toBe(2);
    expect(await list.getByRole('button', { name: 'Link the phone' }).count()).toBe(0);
    await managerPage.close();
  });

  it('links an unknown phone to the student it turns out to be, and the item goes', async () => {
    const unknown = rowOf(bodies.unknown);
    await choose(
      unknown.getByRole('combobox', { name: `Whose phone is ${national(unknownPhone)}?` }),
      uma.name,
      new RegExp(uma.name),
    );
    await unknown
      .getByText(`${national(unknownPhone)} becomes ${uma.name}'s SMS phone.`, { exact: false })
      .waitFor();
    await unknown.getByRole('button', { name: 'Link the phone' }).click();
    await eventually(async () => expect(await rowOf(bodies.unknown).count()).toBe(0));
    const stored = await system.api('GET', `/api/students/${uma.id}`, { as: admin });
    expect(stored.body).toMatchObject({ name: uma.name, email: uma.email, smsPhone: unknownPhone });
    await eventually(async () => {
      const listed = await system.api('GET', `/api/sms?q=hi+who+${word}`, { as: admin });
      expect(listed.body.items[0]).toMatchObject({ studentId: uma.id, attention: null });
    });
  });

  it("gives a shared phone's message to the student picked, and the item goes", async () => {
    await rowOf(bodies.shared).getByRole('button', { name: 'It was Lee Student' }).click();
    await eventually(async () => expect(await rowOf(bodies.shared).count()).toBe(0));
    const listed = await system.api('GET', `/api/sms?q=class+${word}`, { as: admin });
    expect(listed.body.items[0]).toMatchObject({ studentId: lee.id, attention: null });

    // The next text from that phone goes to Lee, whose conversation on this number is the latest.
    const again = `Me again ${word}`;
    await system.text(sharedPhone, carlaNumber, again);
    await page.goto(`/sms?q=${encodeURIComponent(again)}`);
    const row = rowOf(again);
    await row.getByRole('button', { name: 'Why here?' }).click();
    await row
      .getByText(
        `From ${national(sharedPhone)}, shared by 2 students — given to Lee Student, ` +
          'who texted with this number last',
        { exact: false },
      )
      .waitFor();
    await page.goto(`/sms?attention=true&q=${word}`);
    await eventually(async () => expect(await rows().count()).toBe(1));
  });

  it('gives the number nobody held to a staff member, and the item goes', async () => {
    const orphan = rowOf(bodies.orphan);
    await choose(
      orphan.getByRole('combobox', { name: `Give ${national(orphanNumber)} to` }),
      dana.name,
      dana.name,
    );
    await orphan.getByRole('button', { name: 'Assign the number' }).click();
    await eventually(async () => expect(await rows().count()).toBe(0), { timeoutMs: 15_000 });
    await page.getByText('No message matches these filters.').waitFor();
    await eventually(async () => {
      const listed = await system.api('GET', `/api/sms?q=anyone+${word}`, { as: admin });
      expect(listed.body.items[0]).toMatchObject({ staffId: dana.staffId, attention: null });
    });
  });
});

/** `text` as a regular expression that matches it literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
