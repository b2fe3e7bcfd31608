import { randomBytes, randomInt } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { seriousAccessibilityProblems, checkView, openDashboard } from '../support/browser';
import { ensureDashboardBuilt } from '../support/dashboard-build';
import { eventually } from '../support/eventually';
import { startSystem, TestSystem } from '../support/system';
import { tokenFor } from '../support/tokens';

/**
 * The tile and the conversation (DASHBOARD.md "Layout"): side by side on a desk, one at a time
 * on a phone, and the instructor's Monday morning with the keyboard only.
 */
const suffix = randomBytes(3).toString('hex');
const admin = { staffId: `admin-layout-${suffix}`, role: 'admin' as const };
const coach = { id: `coach-layout-${suffix}`, number: '' };
const phoneBase = randomInt(100, 900) * 10;
/** Texting in this order, so the tile lists them newest first: Cy, Ben, Ana. */
const students = ['Ana Alvarez', 'Ben Brooks', 'Cy Chen'].map((name, index) => ({
  id: `student-layout-${index}-${suffix}`,
  name,
  smsPhone: `+1415556${String(phoneBase + index).padStart(4, '0')}`,
}));
const [ana, ben, cy] = students;

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
  for (const student of students) {
    await put(`/api/students/${student.id}`, {
      name: student.name,
      email: `${student.id}@example.edu`,
      smsPhone: student.smsPhone,
    });
  }
  coach.number = await system.buyNumber(admin, coach.id);
  for (const student of students) {
    await system.text(student.smsPhone, coach.number, `Hello from ${student.name.split(' ')[0]}`);
    // One after the other in the tile, whatever order the services take them in.
    await eventually(async () => {
      const tile = await system.api('GET', '/api/sms/tile', {
        as: { staffId: coach.id, role: 'coach' },
      });
      expect(tile.body[0]?.studentName).toBe(student.name);
    });
  }

  ({ browser, page, pageErrors } = await openDashboard(system.url));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

const conversations = () => page.getByRole('list', { name: 'Conversations' });
const conversation = (student: { name: string }) =>
  conversations().getByRole('link', { name: new RegExp(student.name) });
const backLink = () => page.getByRole('link', { name: '← SMS tile' });
/** The page's window, as far as these tests look at styles (the tests compile without the DOM). */
type Styled = { getComputedStyle(element: unknown): { fontWeight: string } };
/** The text of whatever has the keyboard focus. */
const focused = () => page.evaluate<string>('document.activeElement?.textContent ?? ""');

describe('the tile and the conversation', () => {
  it('shows the tile and the open conversation side by side on a 1280 px screen', async () => {
    await page.goto(`/#access_token=${tokenFor(coach.id, 'coach')}`);
    await conversation(cy).waitFor();
    const names = await conversations().getByRole('link').allTextContents();
    expect(
      names.map((text) => students.find((student) => text.includes(student.name))?.name),
    ).toEqual([cy.name, ben.name, ana.name]);
    // Unread ones stand out: a count, and the name in bold.
    expect(await conversation(cy).textContent()).toContain('1 unread');
    const weight = await conversation(cy)
      .getByText(cy.name)
      .evaluate((name) => (globalThis as unknown as Styled).getComputedStyle(name).fontWeight);
    expect(Number(weight)).toBeGreaterThanOrEqual(700);
    await page.getByText('No conversation open').waitFor();
    await page.mouse.move(0, 0);
    expect(await seriousAccessibilityProblems(page)).toEqual([]);

    await conversation(ben).click();
    await page.waitForURL(`**/students/${ben.id}`);
    const heading = page.getByRole('heading', { name: ben.name });
    await heading.waitFor();
    const list = await conversations().boundingBox();
    const opened = await heading.boundingBox();
    expect(list && opened && opened.x >= list.x + list.width).toBe(true); // beside, not below
    expect(await conversation(ben).getAttribute('aria-current')).toBe('page');
    expect(await backLink().isVisible()).toBe(false); // the tile is right there
    await eventually(async () =>
      expect(await conversation(ben).textContent()).not.toContain('unread'),
    );

    await page.reload(); // the address names the conversation: reload and share work
    await heading.waitFor();
    await conversation(ben).waitFor();
    expect(await conversation(ben).getAttribute('aria-current')).toBe('page');
    await checkView(page, pageErrors, 'tile-desktop');
  });

  it('moves through the tile with j/k and the arrows, opens with Enter, sends with Ctrl+Enter', async () => {
    await page.goto('/');
    await conversation(cy).waitFor();
    await page.keyboard.press('j'); // nothing focused yet: j starts in the list
    expect(await focused()).toContain(cy.name);
    await page.keyboard.press('j');
    expect(await focused()).toContain(ben.name);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toContain(ana.name);
    await page.keyboard.press('ArrowDown'); // the last stays the last
    expect(await focused()).toContain(ana.name);
    await page.keyboard.press('k');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toContain(cy.name);

    await page.keyboard.press('Enter');
    await page.waitForURL(`**/students/${cy.id}`);
    await page.getByRole('heading', { name: cy.name }).waitFor();
    expect(await focused()).toContain(cy.name); // the list kept the focus: j goes on from here

    // The list is one Tab stop: the next Tab leaves it, and the conversation's own controls
    // ("Why here?" under each incoming message) come before the composer.
    await page.keyboard.press('Tab');
    expect(await focused()).not.toContain(cy.name);
    const inComposer = () =>
      page.evaluate('document.activeElement === document.querySelector("textarea")');
    for (let presses = 0; presses < 5 && !(await inComposer()); presses += 1) {
      await page.keyboard.press('Tab');
    }
    expect(await inComposer()).toBe(true);
    await page.keyboard.type('See you at 3');
    await page.keyboard.press('Control+Enter');
    await eventually(async () => {
      const { body } = await system.emulator.control('/messages');
      const sent = (body as { messages: { body: string; to: string }[] }).messages.filter(
        (message) => message.body === 'See you at 3',
      );
      expect(sent).toEqual([expect.objectContaining({ to: cy.smsPhone })]);
    });
    await page.getByRole('list', { name: 'Messages' }).getByText('See you at 3').waitFor();

    // Back past the conversation's own controls ("Why here?") to the conversation it came from.
    let presses = 0;
    do {
      await page.keyboard.press('Shift+Tab');
      presses += 1;
    } while ((await focused()) === 'Why here?' && presses < 6);
    expect(await focused()).toContain(cy.name);
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/students/${ben.id}`);
    await page.getByRole('heading', { name: ben.name }).waitFor();
  });

  it('shows one column at a time on a 390 px phone, with a link back to the tile', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    await conversation(ana).waitFor();
    expect(await page.getByText('No conversation open').isVisible()).toBe(false);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    await conversation(ana).click();
    await page.waitForURL(`**/students/${ana.id}`);
    await page.getByRole('heading', { name: ana.name }).waitFor();
    expect(await conversations().isVisible()).toBe(false);
    await backLink().waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await checkView(page, pageErrors, 'conversation-phone');

    await backLink().click();
    await page.waitForURL(`${system.url}/`);
    await conversation(ana).waitFor();
    expect(await page.getByRole('heading', { name: ana.name }).count()).toBe(0);
  });
});
