import { createECDH } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, PushSubscriptionView, SubscribePushRequest } from '@fidelis/contracts';

interface SubscriptionRow {
  staff_id: string;
  endpoint: string;
  created_at: Date;
  updated_at: Date;
}

/**
 * Keeps a browser's push subscription for the caller. The endpoint identifies the browser: when
 * another staff member had it (a shared computer, someone else logged in), it is the caller's now.
 */
@Injectable()
export class SubscribePushUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(request: SubscribePushRequest): Promise<PushSubscriptionView> {
    const p256dh = request.keys.p256dh.replace(/=+$/, '');
    const auth = request.keys.auth.replace(/=+$/, '');
    assertP256Point(p256dh);
    const rows = await this.dataSource.query<SubscriptionRow[]>(
      `INSERT INTO notification.push_subscriptions (id, staff_id, endpoint, p256dh, auth)
       VALUES (gen_random_uuid(), $1, $2, $3, $4)
       ON CONFLICT (endpoint) DO UPDATE
         SET staff_id = EXCLUDED.staff_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth,
             updated_at = now()
       RETURNING staff_id, endpoint, created_at, updated_at`,
      [request.staffId, request.endpoint, p256dh, auth],
    );
    const row = rows[0];
    return {
      staffId: row.staff_id,
      endpoint: row.endpoint,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }
}

/** A key that is not a point on P-256 would make every push to it fail: refuse it now. */
function assertP256Point(p256dh: string): void {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    ecdh.computeSecret(Buffer.from(p256dh, 'base64url'));
  } catch {
    throw new DomainError('INVALID_INPUT', 'keys.p256dh is not a P-256 public key');
  }
}
