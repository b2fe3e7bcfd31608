import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { loadGatewayConfig } from '../src/config';
import { createGateway, listenGateway } from '../src/create-gateway';
import { eventually } from '../../../test/support/eventually';
import { callApi, startSystem, TestSystem } from '../../../test/support/system';

const admin = { staffId: 'admin-dev-sign-in', role: 'admin' as const };
const id = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

let system: TestSystem;

beforeAll(async () => {
  system = await startSystem();
  const upserted = await system.api('PUT', `/api/staff/${admin.staffId}`, {
    as: admin,
    body: { name: 'Ada Admin', email: 'ada@example.edu', role: 'admin' },
  });
  expect(upserted.status).toBe(200);
});

afterAll(() => system?.close());

async function staffMember(role: 'coach' | 'instructor', name: string) {
  const staffId = id(role);
  const upserted = await system.api('PUT', `/api/staff/${staffId}`, {
    as: admin,
    body: { name, email: `${staffId}@example.edu`, role },
  });
  expect(upserted.status).toBe(200);
  return staffId;
}

describe('development sign-in', () => {
  it('lists every staff member with their role and number, without a token', async () => {
    const coachId = await staffMember('coach', 'Carla Coach');
    const instructorId = await staffMember('instructor', 'Ivan Instructor');
    const bought = await system.api('POST', '/api/numbers', {
      as: admin,
      body: { areaCode: '415', staffId: coachId },
    });
    expect(bought.status).toBe(201);

    const staff = await eventually(async () => {
      const response = await system.api('GET', '/api/dev/staff');
      expect(response.status).toBe(200);
      const listed = response.body.filter((member: { id: string }) =>
        [coachId, instructorId].includes(member.id),
      );
      expect(listed).toHaveLength(2);
      return listed;
    });
    expect(staff).toEqual(
      expect.arrayContaining([
        { id: coachId, name: 'Carla Coach', role: 'coach', phoneNumber: bought.body.phoneNumber },
        { id: instructorId, name: 'Ivan Instructor', role: 'instructor', phoneNumber: null },
      ]),
    );
  });

  it('signs in as a staff member with an 8-hour token the API accepts', async () => {
    const coachId = await staffMember('coach', 'Cleo Coach');
    const response = await system.api('POST', '/api/dev/sign-in', { body: { staffId: coachId } });
    expect(response.status).toBe(200);

    const claims = jwt.verify(response.body.token, 'dev-secret') as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: coachId, role: 'coach' });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(8 * 60 * 60);
    const me = await system.api('GET', '/api/me', { token: response.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: coachId, name: 'Cleo Coach', role: 'coach' });
  });

  it('refuses an unknown staff member (404) and a missing staffId (400)', async () => {
    const unknown = await system.api('POST', '/api/dev/sign-in', {
      body: { staffId: 'nobody-here' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.token).toBeUndefined();

    const missing = await system.api('POST', '/api/dev/sign-in', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/staffId/);
  });

  it('does not exist in production: both addresses answer 404', async () => {
    const production = await createGateway(
      loadGatewayConfig({ ...system.env, NODE_ENV: 'production', JWT_SECRET: 'a-real-secret' }),
    );
    await listenGateway(production, 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(production.getHttpServer().address() as AddressInfo).port}`;
      const coachId = await staffMember('coach', 'Pia Production');
      expect((await callApi(base, 'GET', '/api/dev/staff')).status).toBe(404);
      const signIn = await callApi(base, 'POST', '/api/dev/sign-in', {
        body: { staffId: coachId },
      });
      expect(signIn.status).toBe(404);
      expect(signIn.body.token).toBeUndefined();
    } finally {
      await production.close();
    }
  });
});
