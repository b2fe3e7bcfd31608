import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { InboundSmsStored } from '@fidelis/contracts';
import { loadGatewayConfig } from '../src/config';
import { createGateway, listenGateway } from '../src/create-gateway';
import { EventPublisher, randomPhone, startPublisher } from '../../../test/support/events';
import { openEventStream } from '../../../test/support/sse';
import { startSystem, TestSystem } from '../../../test/support/system';
import { tokenFor } from '../../../test/support/tokens';

const INDEX_HTML = '<!doctype html><html><body><div id="root"></div></body></html>';
/** Large enough to be worth compressing (compression skips bodies under 1 KB). */
const APP_JS = `console.log(${JSON.stringify('dashboard '.repeat(500))});`;

let system: TestSystem;
let publisher: EventPublisher;
/** A gateway serving a dashboard build of our own making (the real one is Vite's business). */
let gateway: INestApplication;
let url: string;
let dashboardDir: string;

beforeAll(async () => {
  dashboardDir = mkdtempSync(join(tmpdir(), 'dashboard-'));
  mkdirSync(join(dashboardDir, 'assets'));
  writeFileSync(join(dashboardDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(dashboardDir, 'assets', 'index-Bx7Kq2Lm.js'), APP_JS);
  writeFileSync(join(dashboardDir, 'manifest.webmanifest'), '{"name":"Fidelis SMS"}');

  system = await startSystem();
  publisher = await startPublisher();
  gateway = await createGateway(loadGatewayConfig({ ...system.env, DASHBOARD_DIR: dashboardDir }));
  await listenGateway(gateway, 0, '127.0.0.1');
  url = `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`;
});

afterAll(async () => {
  await gateway?.close();
  await publisher?.close();
  await system?.close();
  rmSync(dashboardDir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, { headers });

describe('the dashboard served by the gateway', () => {
  it('serves index.html at / revalidated on every visit, with security headers', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toBe(INDEX_HTML);

    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("object-src 'none'");
    // Only the app's own origin: no other host or scheme is named anywhere in the policy.
    expect(csp).not.toMatch(/https?:|\*/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('caches hashed assets forever and compresses them', async () => {
    const response = await get('/assets/index-Bx7Kq2Lm.js', { 'Accept-Encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toBe(APP_JS); // fetch decompresses
  });

  it('revalidates files outside assets/ (their names carry no hash)', async () => {
    const response = await get('/manifest.webmanifest');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it.each(['/students/s-1', '/sms?contactPhone=%2B14155550123', '/compose'])(
    'answers the app address %s with index.html, where the app routes',
    async (path) => {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe(INDEX_HTML);
    },
  );

  it.each(['/api/nothing-here', '/webhooks/nothing-here', '/health/nothing-here', '/api'])(
    'keeps the 404 JSON of the server address %s',
    async (path) => {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toMatchObject({ statusCode: 404 });
    },
  );

  it('answers 404 for a missing file instead of the app', async () => {
    const response = await get('/assets/index-missing.js');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toBe(INDEX_HTML);
  });

  it('puts the security headers on the API too', async () => {
    const response = await get('/health');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('still streams GET /api/events, uncompressed, to a browser that accepts gzip', async () => {
    const staffId = `coach-${randomBytes(4).toString('hex')}`;
    const client = await openEventStream(
      `${url}/api/events?access_token=${tokenFor(staffId, 'coach')}`,
      { 'Accept-Encoding': 'gzip' },
    );
    try {
      expect(client.status).toBe(200);
      expect(client.headers.get('content-encoding')).toBeNull();
      const event = await publisher.publish(InboundSmsStored, {
        messageId: randomUUID(),
        messageSid: `MM${randomBytes(16).toString('hex')}`,
        studentId: null,
        studentName: null,
        ambiguous: false,
        candidateStudentIds: [],
        staffId,
        from: randomPhone(),
        to: randomPhone(),
        body: 'Are you there?',
        media: [],
        status: 'received',
        optChange: null,
        receivedAt: new Date().toISOString(),
      });
      const received = await client.next((candidate) => candidate.id === event.eventId);
      expect(received.event).toBe('sms.received');
    } finally {
      client.close();
    }
  });

  it('finds the dashboard relative to the working directory, as npm start gives it', async () => {
    const relativeGateway = await createGateway(
      loadGatewayConfig({ ...system.env, DASHBOARD_DIR: relative(process.cwd(), dashboardDir) }),
    );
    await listenGateway(relativeGateway, 0, '127.0.0.1');
    try {
      const port = (relativeGateway.getHttpServer().address() as AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}/students/s-1`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(INDEX_HTML);
    } finally {
      await relativeGateway.close();
    }
  });

  it('serves nothing at / when the dashboard was not built, and the API still works', async () => {
    const bare = await createGateway(
      loadGatewayConfig({ ...system.env, DASHBOARD_DIR: join(dashboardDir, 'not-built') }),
    );
    await listenGateway(bare, 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(bare.getHttpServer().address() as AddressInfo).port}`;
      expect((await fetch(`${base}/`)).status).toBe(404);
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
