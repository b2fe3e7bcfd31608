import { randomBytes, randomInt } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkView, downloadedText, openDashboard } from '../support/browser';
import { ensureDashboardBuilt } from '../support/dashboard-build';
import { eventually } from '../support/eventually';
import { startSystem, TestSystem } from '../support/system';
import { tokenFor } from '../support/tokens';

/**
 * The admin's console in a browser: numbers bought through the emulator, assigned, reassigned,
 * unassigned and released; the directory with a student edit and a CSV import; the audit log
 * with its filters and CSV download; and a coach refused at every admin address.
 */
const run = randomBytes(3).toString('hex');
const admin = { staffId: `admin-console-${run}`, role: 'admin' as const, name: `Ada Admin ${run}` };
const carla = {
  staffId: `carla-console-${run}`,
  role: 'coach' as const,
  name: `Carla Coach ${run}`,
};
const dana = { staffId: `dana-console-${run}`, role: 'coach' as const, name: `Dana Dean ${run}` };
const sam = { id: `sam-console-${run}`, name: `Sam Student ${run}` };

let system: TestSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ensureDashboardBuilt();
  system = await startSystem();
  for (const staff of [admin, carla, dana]) {
    const put = await system.api('PUT', `/api/staff/${staff.staffId}`, {
      as: admin,
      body: { name: staff.name, email: `${staff.staffId}@example.edu`, role: staff.role },
    });
    expect(put.status).toBe(200);
  }
  const student = await system.api('PUT', `/api/students/${sam.id}`, {
    as: admin,
    body: { name: sam.name, smsPhone: `+1415555${randomInt(1000, 10_000)}` },
  });
  expect(student.status).toBe(200);
  ({ browser, context, page, pageErrors } = await openDashboard(system.url));
  await page.goto(`/#access_token=${tokenFor(admin.staffId, admin.role)}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

const numbersTable = () => page.getByRole('table', { name: 'Numbers' });
const rowOf = (national: string) => numbersTable().getByRole('row').filter({ hasText: national });
const national = (e164: string) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;
let bought = '';

describe('numbers', () => {
  it('flags staff without a number and buys one for Carla through Twilio', async () => {
    await page.getByRole('button', { name: 'Admin' }).click();
    await page.getByRole('link', { name: 'Numbers' }).click();
    await page.waitForURL('**/admin/numbers');
    // The test database keeps earlier runs' staff: the flag counts them all, and Carla is among
    // those a new number can be bought for.
    await page.getByText(/staff without a number/).waitFor();

    await page.getByRole('textbox', { name: 'Area code' }).fill('415');
    await page.getByRole('button', { name: 'Search' }).click();
    const available = page.getByRole('list', { name: 'Available numbers' });
    await available.waitFor();
    await page.getByRole('combobox', { name: 'For' }).click();
    await page.getByRole('option', { name: carla.name }).click();
    const first = available.getByRole('listitem').first();
    const label = (await first.getByRole('button').getAttribute('aria-label')) ?? '';
    await first.getByRole('button').click();
    await page.getByText(`for ${carla.name}`).waitFor();

    const numbers = await system.api('GET', '/api/numbers', { as: admin });
    const number = numbers.body.find((n: { staffId: string }) => n.staffId === carla.staffId);
    bought = number.phoneNumber;
    expect(label).toBe(`Buy ${national(bought)}`);
    await eventually(async () =>
      expect(await rowOf(national(bought)).textContent()).toContain(carla.name),
    );
    await checkView(page, pageErrors, 'admin-numbers');
  });

  it("shows Twilio's refusal plainly when the number was taken meanwhile", async () => {
    await page.getByRole('button', { name: 'Search' }).click();
    const first = page
      .getByRole('list', { name: 'Available numbers' })
      .getByRole('listitem')
      .first();
    const label = (await first.getByRole('button').getAttribute('aria-label')) ?? '';
    const digits = label.replace(/\D/g, '');
    system.emulator.emulator.state.unavailableNumbers.add(`+1${digits}`);
    await first.getByRole('button').click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Not bought' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Twilio no longer has this number');
  });

  it('reassigns to Dana and unassigns, each after asking, and shows the history', async () => {
    await page.getByRole('button', { name: `Reassign ${national(bought)}` }).click();
    const dialog = page.getByRole('dialog', { name: `Reassign ${national(bought)}?` });
    await dialog.getByRole('combobox', { name: 'Give it to' }).click();
    await dialog.getByRole('option', { name: dana.name }).click();
    await dialog.getByRole('button', { name: 'Reassign' }).click();
    await eventually(async () =>
      expect(await rowOf(national(bought)).textContent()).toContain(dana.name),
    );

    await page.getByRole('button', { name: `Unassign ${national(bought)}` }).click();
    const unassign = page.getByRole('dialog', { name: `Unassign ${national(bought)}?` });
    await unassign.getByRole('button', { name: 'Keep it as it is' }).click();
    expect(await rowOf(national(bought)).textContent()).toContain(dana.name);
    await page.getByRole('button', { name: `Unassign ${national(bought)}` }).click();
    await page
      .getByRole('dialog', { name: `Unassign ${national(bought)}?` })
      .getByRole('button', { name: 'Unassign' })
      .click();
    await eventually(async () =>
      expect(await rowOf(national(bought)).textContent()).toContain('Nobody'),
    );

    await page.getByRole('button', { name: `History of ${national(bought)}` }).click();
    const history = page.getByRole('dialog', { name: `History of ${national(bought)}` });
    await eventually(async () => {
      const text = (await history.textContent()) ?? '';
      expect(text.indexOf(dana.name)).toBeGreaterThan(-1);
      expect(text.indexOf(dana.name)).toBeLessThan(text.indexOf(carla.name));
    });
    await page.keyboard.press('Escape');
  });

  it('releases only once the number is typed', async () => {
    await page.getByRole('button', { name: `Release ${national(bought)}` }).click();
    const dialog = page.getByRole('dialog', { name: `Release ${national(bought)}?` });
    const release = dialog.getByRole('button', { name: 'Release the number' });
    expect(await release.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Type the number to confirm' }).fill('(415) 555');
    expect(await release.isDisabled()).toBe(true);
    await dialog
      .getByRole('textbox', { name: 'Type the number to confirm' })
      .fill(national(bought));
    await release.click();
    await dialog.waitFor({ state: 'detached' });
    await eventually(async () => expect(await rowOf(national(bought)).count()).toBe(0));
    const numbers = await system.api('GET', '/api/numbers', { as: admin });
    expect(
      numbers.body.find((n: { phoneNumber: string }) => n.phoneNumber === bought),
    ).toMatchObject({
      status: 'released',
    });
  });

  it('fits a 390 px phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    // Loaded: with numbers (other tests' on a shared database) or none (all released above).
    await page.getByRole('heading', { name: 'Buy a number' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await checkView(page, pageErrors, 'admin-numbers-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

describe('directory', () => {
  it("lists staff with their roles and numbers, and refuses a student's bad phone until fixed", async () => {
    await page.goto('/admin/directory');
    const staff = page.getByRole('table', { name: 'Staff' });
    await staff.waitFor();
    expect(await staff.getByRole('row').filter({ hasText: carla.name }).textContent()).toContain(
      'Coach',
    );
    await page.getByRole('searchbox', { name: 'Find a student' }).fill(sam.name);
    await page.getByRole('button', { name: `Edit ${sam.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${sam.name}` });
    await dialog.getByRole('textbox', { name: 'SMS phone' }).fill('not a phone');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('smsPhone');
    await dialog.getByRole('textbox', { name: 'SMS phone' }).fill('(415) 555-0199');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const stored = await system.api('GET', `/api/students/${sam.id}`, { as: admin });
    expect(stored.body.smsPhone).toBe('+14155550199');
    // The header is fixed: a full-page picture taken scrolled would show it mid-page.
    await page.evaluate('window.scrollTo(0, 0)');
    await checkView(page, pageErrors, 'admin-directory');
  });

  it('previews a CSV file, shows the bad row and imports nothing, then imports a clean file', async () => {
    const header = 'id,name,email,smsPhone,timezone\n';
    const bad = `${header}csv-${run}-1,"Lovelace, Ada",,(415) 555-0111,\ncsv-${run}-2,Bad Phone,,nope,\n`;
    /** Chooses a file as a person does: the button opens the browser's file chooser. */
    const choose = async (csv: string) => {
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: 'CSV file' }).click(),
      ]);
      await chooser.setFiles({
        name: 'roster.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      });
    };
    await choose(bad);
    const rows = page.getByRole('list', { name: 'Rows to fix' });
    await rows.waitFor();
    expect(await rows.textContent()).toContain(`Line 3 (csv-${run}-2): smsPhone`);
    expect(await page.getByRole('button', { name: /^Import \d+ student/ }).count()).toBe(0);
    // The header is fixed: a full-page picture taken scrolled would show it mid-page.
    await page.evaluate('window.scrollTo(0, 0)');
    await checkView(page, pageErrors, 'admin-import-errors');
    expect((await system.api('GET', `/api/students/csv-${run}-1`, { as: admin })).status).toBe(404);

    const good = `${header}csv-${run}-1,"Lovelace, Ada",,(415) 555-0111,\ncsv-${run}-2,Grace Hopper,,(415) 555-0112,America/New_York\n`;
    await choose(good);
    await page.getByRole('table', { name: 'Preview' }).waitFor();
    await page.getByRole('button', { name: 'Import 2 students' }).click();
    await page.getByText('Imported 2 students.').waitFor();
    const ada = await system.api('GET', `/api/students/csv-${run}-1`, { as: admin });
    expect(ada.body).toMatchObject({ name: 'Lovelace, Ada', smsPhone: '+14155550111' });
  });
});

describe('audit log', () => {
  it('lists who did what, filters it, and downloads it as CSV', async () => {
    await page.goto('/admin/audit');
    const entries = page.getByRole('table', { name: 'Audit entries' });
    await entries.waitFor();
    await page.getByRole('combobox', { name: 'What' }).click();
    await page.getByRole('option', { name: 'Released a number' }).click();
    await eventually(async () => {
      const rows = await entries.getByRole('row').allTextContents();
      expect(rows.slice(1).every((row) => row.includes('Released a number'))).toBe(true);
      expect(rows.slice(1).some((row) => row.includes(admin.name))).toBe(true);
    });
    await checkView(page, pageErrors, 'admin-audit');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const csv = await downloadedText(download);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('at,actor,action,targetType,targetId,before,after');
    expect(lines.slice(1).length).toBeGreaterThan(0);
    expect(lines.slice(1).every((line) => line.includes(',number.released,'))).toBe(true);
  });
});

describe('a coach', () => {
  it('sees a refusal at every admin address, never the data', async () => {
    const coachPage = await context.newPage();
    await coachPage.goto(`/#access_token=${tokenFor(carla.staffId, carla.role)}`);
    for (const address of ['/admin/numbers', '/admin/directory', '/admin/audit']) {
      await coachPage.goto(address);
      await coachPage.getByText('This page is for admins.').waitFor();
      expect(await coachPage.getByRole('table').count()).toBe(0);
    }
    expect(await coachPage.getByRole('button', { name: 'Admin' }).count()).toBe(0);
    await checkView(coachPage, [], 'admin-refused');
    await coachPage.close();
  });
});
