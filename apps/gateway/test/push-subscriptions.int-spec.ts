import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { Role, ROLES } from '@fidelis/contracts';
import { startSystem, TestSystem } from '../../../test/support/system';

let system: TestSystem;
const staff = (role: Role = 'coach') => ({ staffId: `${role}-${randomUUID()}`, role });

/** What a browser's `PushSubscription.toJSON()` gives. */
function browserSubscription() {
  const ecdh = createECDH('prime256v1');
  return {
    endpoint: `https://push.example.test/send/${randomUUID()}`,
    keys: {
      p256dh: ecdh.generateKeys().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    },
  };
}

async function storedSubscription(endpoint: string) {
  const { rows } = await system.db.query<{ staff_id: string; p256dh: string; auth: string }>(
    'SELECT staff_id, p256dh, auth FROM notification.push_subscriptions WHERE endpoint = $1',
    [endpoint],
  );
  return rows;
}

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.close();
});

describe('GET /api/push/public-key', () => {
  it('gives every staff role the same VAPID public key, an uncompressed P-256 point', async () => {
    const keys = new Set<string>();
    for (const role of ROLES) {
      const response = await system.api('GET', '/api/push/public-key', { as: staff(role) });
      expect(response.status).toBe(200);
      keys.add(response.body.publicKey);
    }
    expect(keys.size).toBe(1);
    const [publicKey] = [...keys];
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]+$/);
    const point = Buffer.from(publicKey, 'base64url');
    expect(point).toHaveLength(65);
    expect(point[0]).toBe(4);
  });
});

describe('POST /api/push/subscriptions', () => {
  it('keeps the subscription for the caller (201), whatever their role', async () => {
    for (const role of ROLES) {
      const caller = staff(role);
      const subscription = browserSubscription();
      const response = await system.api('POST', '/api/push/subscriptions', {
        as: caller,
        body: subscription,
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        endpoint: subscription.endpoint,
        staffId: caller.staffId,
      });
      expect(await storedSubscription(subscription.endpoint)).toEqual([
        { staff_id: caller.staffId, ...subscription.keys },
      ]);
    }
  });

  it('updates the keys when the same endpoint is subscribed again, keeping one subscription', async () => {
    const caller = staff();
    const first = browserSubscription();
    const renewed = { ...browserSubscription(), endpoint: first.endpoint };
    for (const body of [first, renewed]) {
      const response = await system.api('POST', '/api/push/subscriptions', { as: caller, body });
      expect(response.status).toBe(201);
    }
    expect(await storedSubscription(first.endpoint)).toEqual([
      { staff_id: caller.staffId, ...renewed.keys },
    ]);
  });

  it('gives an endpoint to the staff member who subscribed it last (another login in that browser)', async () => {
    const [first, second] = [staff(), staff('instructor')];
    const subscription = browserSubscription();
    for (const caller of [first, second]) {
      const response = await system.api('POST', '/api/push/subscriptions', {
        as: caller,
        body: subscription,
      });
      expect(response.status).toBe(201);
    }
    expect(await storedSubscription(subscription.endpoint)).toEqual([
      { staff_id: second.staffId, ...subscription.keys },
    ]);
  });

  const valid = browserSubscription();
  it.each<[string, unknown, string]>([
    ['an http endpoint', { ...valid, endpoint: 'http://push.example.test/x' }, 'endpoint'],
    ['an endpoint that is not a URL', { ...valid, endpoint: 'not a url' }, 'endpoint'],
    ['no endpoint', { keys: valid.keys }, 'endpoint'],
    ['no keys', { endpoint: valid.endpoint }, 'keys'],
    [
      'p256dh not base64url',
      { ...valid, keys: { ...valid.keys, p256dh: '+/'.repeat(44) } },
      'p256dh',
    ],
    ['p256dh of the wrong length', { ...valid, keys: { ...valid.keys, p256dh: 'AAAA' } }, 'p256dh'],
    [
      'p256dh that is not a P-256 point',
      { ...valid, keys: { ...valid.keys, p256dh: Buffer.alloc(65, 7).toString('base64url') } },
      'p256dh',
    ],
    ['auth of the wrong length', { ...valid, keys: { ...valid.keys, auth: 'AAAA' } }, 'auth'],
    ['no body', undefined, 'endpoint'],
  ])('answers 400 to %s', async (_case, body, field) => {
    const response = await system.api('POST', '/api/push/subscriptions', { as: staff(), body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT' });
    expect(response.body.message).toContain(field);
  });
});

describe('DELETE /api/push/subscriptions', () => {
  it("removes the caller's own subscription, and not another staff member's", async () => {
    const [owner, other] = [staff(), staff('admin')];
    const subscription = browserSubscription();
    await system.api('POST', '/api/push/subscriptions', { as: owner, body: subscription });

    const refused = await system.api('DELETE', '/api/push/subscriptions', {
      as: other,
      body: { endpoint: subscription.endpoint },
    });
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ code: 'PUSH_SUBSCRIPTION_NOT_FOUND' });
    expect(await storedSubscription(subscription.endpoint)).toHaveLength(1);

    const removed = await system.api('DELETE', '/api/push/subscriptions', {
      as: owner,
      body: { endpoint: subscription.endpoint },
    });
    expect(removed.status).toBe(204);
    expect(await storedSubscription(subscription.endpoint)).toHaveLength(0);

    const again = await system.api('DELETE', '/api/push/subscriptions', {
      as: owner,
      body: { endpoint: subscription.endpoint },
    });
    expect(again.status).toBe(404);
  });

  it('answers 400 without an endpoint', async () => {
    const response = await system.api('DELETE', '/api/push/subscriptions', {
      as: staff(),
      body: {},
    });
    expect(response.status).toBe(400);
  });
});

it.each([
  ['GET', '/api/push/public-key'],
  ['POST', '/api/push/subscriptions'],
  ['DELETE', '/api/push/subscriptions'],
])('answers 401 to %s %s without a token', async (method, path) => {
  const body = method === 'GET' ? undefined : browserSubscription();
  const response = await system.api(method, path, { body });
  expect(response.status).toBe(401);
});
