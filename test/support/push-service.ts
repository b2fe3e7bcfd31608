import { createECDH, createPublicKey, ECDH, randomBytes, randomUUID, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as ece from 'http_ece';

/**
 * A stand-in for a browser push service (FCM, Mozilla autopush…) over HTTPS with a self-signed
 * certificate for 127.0.0.1 (test/support/push-service.crt — test only; `npm test` trusts it
 * through NODE_EXTRA_CA_CERTS). It checks each push as a real one would: the VAPID Authorization
 * header (an ES256 JWT for this origin, signed by the key it names) and the aes128gcm body, which
 * it decrypts with the subscriber's keys.
 */
export interface PushService {
  origin: string;
  /** A browser's subscription at this service; its keys are made here as a browser makes them. */
  subscribe(): TestSubscription;
  /** Answers the next valid pushes to `subscription` with these statuses (then 201 again). */
  answer(subscription: TestSubscription, ...statuses: number[]): void;
  /** Every push received, in order, answered or refused. */
  pushes: ReceivedPush[];
  /** The pushes received for `subscription` that were answered 201. */
  delivered(subscription: TestSubscription): ReceivedPush[];
  close(): Promise<void>;
}

export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** The browser's private side, kept to decrypt what is pushed to it. */
  ecdh: ECDH;
  authSecret: Buffer;
}

export interface ReceivedPush {
  endpoint: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The `k=` of the Authorization header: the sender's VAPID public key. */
  vapidKey: string | null;
  /** Why the VAPID header is not acceptable, or null when it is. */
  vapidProblem: string | null;
  jwt: { aud?: string; exp?: number; sub?: string } | null;
  /** The decrypted body parsed as JSON (or the error when it did not decrypt). */
  payload: unknown;
  /** The decrypted body exactly as the sender encrypted it (null when it did not decrypt). */
  plaintext: string | null;
}

const CERT = path.join(__dirname, 'push-service.crt');
const KEY = path.join(__dirname, 'push-service.key');

function checkVapid(
  header: string | undefined,
  origin: string,
): Pick<ReceivedPush, 'vapidKey' | 'vapidProblem' | 'jwt'> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) return { vapidKey: null, vapidProblem: `bad Authorization: ${header}`, jwt: null };
  try {
    return verifyVapidJwt(match[1], match[2], origin);
  } catch (error) {
    return { vapidKey: match[2], vapidProblem: `unreadable JWT: ${String(error)}`, jwt: null };
  }
}

function verifyVapidJwt(
  token: string,
  key: string,
  origin: string,
): Pick<ReceivedPush, 'vapidKey' | 'vapidProblem' | 'jwt'> {
  const [head, body, signature] = token.split('.');
  const jwt = JSON.parse(Buffer.from(body, 'base64url').toString()) as ReceivedPush['jwt'];
  const point = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const alg = (JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string }).alg;
  const signed = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  const now = Date.now() / 1000;
  const problem =
    alg !== 'ES256'
      ? `alg ${alg}`
      : !signed
        ? 'the JWT signature does not verify with k'
        : jwt?.aud !== origin
          ? `aud ${jwt?.aud} is not ${origin}`
          : !jwt?.exp || jwt.exp < now || jwt.exp > now + 24 * 3600
            ? `exp ${jwt?.exp} not within 24 h`
            : !jwt.sub
              ? 'no sub'
              : null;
  return { vapidKey: key, vapidProblem: problem, jwt };
}

export async function startPushService(): Promise<PushService> {
  const subscriptions = new Map<string, TestSubscription>();
  const scripted = new Map<string, number[]>();
  const pushes: ReceivedPush[] = [];
  let origin = '';

  const server: Server = createServer(
    { cert: readFileSync(CERT), key: readFileSync(KEY) },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const endpoint = `${origin}${request.url}`;
        const subscription = subscriptions.get(endpoint);
        const vapid = checkVapid(request.headers.authorization, origin);
        let payload: unknown = null;
        let plaintext: string | null = null;
        if (subscription) {
          try {
            const plain = ece.decrypt(Buffer.concat(chunks), {
              version: 'aes128gcm',
              privateKey: subscription.ecdh,
              authSecret: subscription.authSecret,
            });
            plaintext = plain.toString('utf8');
            payload = JSON.parse(plaintext);
          } catch (error) {
            payload = { decryptError: String(error) };
          }
        }
        // As a real push service: unknown subscription 404, bad VAPID 403, unreadable body 400.
        const status = !subscription
          ? 404
          : vapid.vapidProblem
            ? 403
            : payload && typeof payload === 'object' && 'decryptError' in payload
              ? 400
              : (scripted.get(endpoint)?.shift() ?? 201);
        pushes.push({ endpoint, status, headers: request.headers, payload, plaintext, ...vapid });
        response.writeHead(
          status,
          status === 201 ? { Location: `${origin}/m/${randomUUID()}` } : {},
        );
        response.end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    pushes,
    subscribe() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const authSecret = randomBytes(16);
      const subscription: TestSubscription = {
        endpoint: `${origin}/push/${randomUUID()}`,
        keys: {
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: authSecret.toString('base64url'),
        },
        ecdh,
        authSecret,
      };
      subscriptions.set(subscription.endpoint, subscription);
      return subscription;
    },
    answer(subscription, ...statuses) {
      scripted.set(subscription.endpoint, [
        ...(scripted.get(subscription.endpoint) ?? []),
        ...statuses,
      ]);
    },
    delivered: (subscription) =>
      pushes.filter((push) => push.endpoint === subscription.endpoint && push.status === 201),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
