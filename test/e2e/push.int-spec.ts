import { randomBytes, randomInt } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkView, openDashboard } from '../support/browser';
import { ensureDashboardBuilt } from '../support/dashboard-build';
import { eventually } from '../support/eventually';
import { PushService, startPushService, TestSubscription } from '../support/push-service';
import { SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { startSystem, TestSystem } from '../support/system';
import { tokenFor } from '../support/tokens';

/**
 * Web Push end to end: the coach turns notifications on in the dashboard, a student texts her,
 * the notification service encrypts and sends the push, the page's service worker shows exactly
 * what was sent, and its click takes the dashboard to the conversation. Sign-out forgets the
 * subscription, so the next text goes by email.
 */
const suffix = randomBytes(3).toString('hex');
const admin = { staffId: `admin-push-${suffix}`, role: 'admin' as const };
const coach = { id: `coach-push-${suffix}`, email: `coach-push-${suffix}@example.edu`, number: '' };
const student = {
  id: `student-push-${suffix}`,
  name: 'Sam Student',
  smsPhone: `+1415555${randomInt(1000, 10_000)}`,
};

/**
 * Headless Chromium cannot reach a browser push service (STACK.md), so the page's PushManager is
 * stood in for: `subscribe` hands out a subscription at the stand-in push service, as Chrome
 * hands out one at FCM, and records the VAPID key it was given. Everything else is real: the
 * page's "Turn on notifications" and sign-out, the API, the notification service, the encryption.
 */
function standInPushManager(subscription: TestSubscription): string {
  const { endpoint, keys } = subscription;
  return `(() => {
    const SUBSCRIBED = 'e2e.push-subscribed';
    const subscription = {
      endpoint: ${JSON.stringify(endpoint)},
      expirationTime: null,
      toJSON: () => ({ endpoint: ${JSON.stringify(endpoint)}, expirationTime: null, keys: ${JSON.stringify(keys)} }),
      unsubscribe: async () => { localStorage.removeItem(SUBSCRIBED); return true; },
    };
    PushManager.prototype.subscribe = async function (options) {
      localStorage.setItem(SUBSCRIBED, String(options.applicationServerKey));
      return subscription;
    };
    PushManager.prototype.getSubscription = async function () {
      return localStorage.getItem(SUBSCRIBED) ? subscription : null;
    };
  })();`;
}

let system: TestSystem;
let pushService: PushService;
let smtp: SmtpSink;
let subscription: TestSubscription;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ensureDashboardBuilt();
  pushService = await startPushService();
  smtp = await startSmtpSink();
  system = await startSystem({ env: { SMTP_URL: smtp.url } });
  const put = async (path: string, body: object) =>
    expect((await system.api('PUT', path, { as: admin, body })).status).toBe(200);
  await put(`/api/staff/${coach.id}`, { name: 'Carla Coach', email: coach.email, role: 'coach' });
  await put(`/api/students/${student.id}`, {
    name: student.name,
    email: `${student.id}@example.edu`,
    smsPhone: student.smsPhone,
  });
  coach.number = await system.buyNumber(admin, coach.id);

  subscription = pushService.subscribe();
  ({ browser, context, page, pageErrors } = await openDashboard(system.url, {
    prepare: async (fresh) => {
      await fresh.grantPermissions(['notifications'], { origin: system.url });
      await fresh.addInitScript({ content: standInPushManager(subscription) });
    },
  }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
  await pushService?.close();
  await smtp?.close();
});

/** The student texts the coach's number through the emulator, as a phone would. */
async function text(body: string) {
  await system.text(student.smsPhone, coach.number, body);
}

async function storedSubscriptions() {
  const { rows } = await system.db.query<{ staff_id: string; p256dh: string; auth: string }>(
    'SELECT staff_id, p256dh, auth FROM notification.push_subscriptions WHERE endpoint = $1',
    [subscription.endpoint],
  );
  return rows;
}

/** The notifications the page's service worker shows now. */
const shownNotifications = () =>
  page.evaluate<{ title: string; body: string; data: { url: string } }[]>(
    'navigator.serviceWorker.ready.then((r) => r.getNotifications())' +
      '.then((all) => all.map((n) => ({ title: n.title, body: n.body, data: n.data })))',
  );

describe('Web Push, from a student’s text to the conversation in the dashboard', () => {
  it('stores this browser’s subscription for the coach when she turns notifications on', async () => {
    await page.goto(`/#access_token=${tokenFor(coach.id, 'coach')}`);
    await page.getByRole('heading', { name: 'SMS tile' }).waitFor();
    // The worker takes the open tab under its control, so a click can bring it to a conversation.
    await page.waitForFunction('navigator.serviceWorker.controller !== null');

    await page.getByRole('button', { name: 'Turn on notifications' }).click();
    await page.getByText('Notifications on').waitFor();

    expect(await storedSubscriptions()).toEqual([
      { staff_id: coach.id, p256dh: subscription.keys.p256dh, auth: subscription.keys.auth },
    ]);
    const { publicKey } = (await system.api('GET', '/api/push/public-key', { as: admin })).body;
    expect(await page.evaluate('localStorage.getItem("e2e.push-subscribed")')).toBe(publicKey);
  });

  it('shows the push the notification service really sent, decrypted, as a notification', async () => {
    await text('Can we meet tomorrow?');
    const push = await eventually(() => {
      const delivered = pushService.delivered(subscription);
      expect(delivered).toHaveLength(1);
      return delivered[0];
    });
    expect(push.vapidProblem).toBeNull();
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(push.payload).toMatchObject({
      title: student.name,
      body: 'Can we meet tomorrow?',
      url: `/students/${student.id}`,
    });

    const cdp = await context.newCDPSession(page);
    const registrationId = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r) => r.scopeURL === `${system.url}/` && !r.isDeleted);
        if (ours) resolve(ours.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: system.url,
      registrationId: await registrationId,
      data: push.plaintext ?? '',
    });
    await cdp.detach();

    const shown = await eventually(async () => {
      const notifications = await shownNotifications();
      expect(notifications).toHaveLength(1);
      return notifications[0];
    });
    expect(shown).toEqual({
      title: student.name,
      body: 'Can we meet tomorrow?',
      data: { url: `/students/${student.id}` },
    });
  });

  it('takes the open dashboard tab to the conversation when the notification is clicked', async () => {
    expect(page.url()).toBe(`${system.url}/`);
    const [worker] = context.serviceWorkers();
    // CDP cannot click a notification, and Chrome lets a worker focus a window only on a real
    // click: the test dispatches the click itself, records the focus Chrome would refuse, and
    // awaits what the handler hands to waitUntil (which a script-made event cannot take).
    const clicked = await worker.evaluate<{ focused: string[]; at: string | null }>(`(async () => {
      const focused = [];
      WindowClient.prototype.focus = async function () { focused.push(this.url); return this; };
      const [notification] = await self.registration.getNotifications();
      const click = new NotificationEvent('notificationclick', { notification });
      let handled;
      Object.defineProperty(click, 'waitUntil', { value: (promise) => { handled = promise; } });
      self.dispatchEvent(click);
      const client = await handled;
      return { focused, at: client ? client.url : null };
    })()`);

    // The tab's only one (the worker sees it at the address it was opened with).
    expect(context.pages()).toEqual([page]);
    expect(clicked).toEqual({
      focused: [expect.stringMatching(new RegExp(`^${system.url}/`))],
      at: `${system.url}/students/${student.id}`,
    });
    await page.waitForURL(`**/students/${student.id}`);
    await page.getByRole('heading', { name: student.name }).waitFor();
    await page.getByRole('list', { name: 'Messages' }).getByText('Can we meet tomorrow?').waitFor();
    expect(await shownNotifications()).toEqual([]); // the click closed it
    await checkView(page, pageErrors, 'push-opened');
  });

  it('forgets the subscription on sign-out: the next text goes by email, not push', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Fidelis SMS' }).waitFor();

    expect(await storedSubscriptions()).toEqual([]);
    expect(await page.evaluate('localStorage.getItem("e2e.push-subscribed")')).toBeNull();

    await text('Are you there?');
    await eventually(() => expect(smtp.to(coach.email)).toHaveLength(1), { timeoutMs: 20_000 });
    expect(smtp.to(coach.email)[0].raw).toContain('Are you there?');
    expect(
      pushService.pushes.filter((push) => push.endpoint === subscription.endpoint),
    ).toHaveLength(1);
  });

  it('forgets the token: a reload shows the sign-in page', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Fidelis SMS' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("fidelis.token")')).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
