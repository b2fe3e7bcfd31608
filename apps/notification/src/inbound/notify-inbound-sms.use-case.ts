import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Batches } from '@fidelis/broker';
import { EventEnvelope, InboundSmsStoredPayload } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { MailClient } from '@fidelis/mail';
import { pushFailureReason, WebPushClient } from '../push/web-push.client';
import { inboundEmail, pushPayload, pushTopic } from './inbound-notice';

type Held = InboundSmsStoredPayload & { staffId: string };

interface Target {
  id: string;
  message_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  delivered: boolean;
}

/** Some pushes (or the email) failed; the broker retries the event after its delay. */
export class NotificationIncompleteError extends Error {
  override readonly name = 'NotificationIncompleteError';
}

/**
 * Tells the staff member who held the number about an inbound SMS: a Web Push to each of their
 * subscriptions, or — when they have no working one (none, or every one gone: 404/410) — an
 * email. Once per message: the message's row is locked while it is handled (a concurrent
 * redelivery waits, then finds it done), each push is recorded per (message, subscription) and
 * each email per message. What worked is committed even when something else failed; only then
 * does it throw, so the broker's retry pushes only to the subscriptions that still need it.
 * A message with no holder notifies nobody: admins see it in the global tab.
 *
 * Messages that arrive while others are being handled are handled together (`Batches`): one
 * transaction and one statement per step for all of them, their pushes and emails side by side.
 */
@Injectable()
export class NotifyInboundSmsUseCase {
  private readonly log = logger(NotifyInboundSmsUseCase.name);
  private readonly batches = new Batches<Held, string[]>((messages) => this.notify(messages));

  constructor(
    private readonly dataSource: DataSource,
    private readonly push: WebPushClient,
    private readonly mail: MailClient,
  ) {}

  async execute(event: EventEnvelope<InboundSmsStoredPayload>): Promise<void> {
    const sms = event.payload;
    if (!sms.staffId) return;
    const problems = await this.batches.submit({ ...sms, staffId: sms.staffId });
    if (problems.length > 0) {
      throw new NotificationIncompleteError(`not yet notified: ${problems.join('; ')}`);
    }
  }

  /** Notifies about `messages` in one transaction; for each, what is still not done. */
  private notify(messages: Held[]): Promise<string[][]> {
    return this.dataSource.transaction(async (manager) => {
      const ids = messages.map((sms) => sms.messageId);
      await manager.query(
        `INSERT INTO notification.inbound_notifications (message_id, staff_id)
         SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT (message_id) DO NOTHING`,
        [ids, messages.map((sms) => sms.staffId)],
      );
      // In id order, so that two instances locking overlapping batches cannot deadlock.
      const states = await manager.query<{ message_id: string; emailed: boolean; done: boolean }[]>(
        `SELECT message_id, emailed_at IS NOT NULL AS emailed, done_at IS NOT NULL AS done
           FROM notification.inbound_notifications WHERE message_id = ANY($1::uuid[])
          ORDER BY message_id FOR UPDATE`,
        [ids],
      );
      const state = new Map(states.map((row) => [row.message_id, row]));
      // The same message twice in one batch (a redelivery) is handled once: the first does it.
      const unique = [...new Map(messages.map((sms) => [sms.messageId, sms])).values()];
      const open = unique.filter((sms) => !state.get(sms.messageId)?.done);
      const problems = new Map<string, string[]>(open.map((sms) => [sms.messageId, []]));
      if (open.length === 0) return messages.map(() => []);

      const targets = await manager.query<Target[]>(
        `SELECT q.message_id, s.id, s.endpoint, s.p256dh, s.auth,
                d.message_id IS NOT NULL AS delivered
           FROM unnest($1::uuid[], $2::text[]) AS q(message_id, staff_id)
           JOIN notification.push_subscriptions s ON s.staff_id = q.staff_id
           LEFT JOIN notification.push_deliveries d
             ON d.subscription_id = s.id AND d.message_id = q.message_id`,
        [open.map((sms) => sms.messageId), open.map((sms) => sms.staffId)],
      );
      const working = new Map<string, number>(open.map((sms) => [sms.messageId, 0]));
      const count = (messageId: string) =>
        working.set(messageId, (working.get(messageId) ?? 0) + 1);
      targets.filter((target) => target.delivered).forEach((t) => count(t.message_id));
      await this.pushAll(
        manager,
        open,
        targets.filter((target) => !target.delivered),
        {
          delivered: count,
          failed: (messageId, reason) => problems.get(messageId)?.push(reason),
        },
      );

      const unreachable = open.filter(
        (sms) =>
          problems.get(sms.messageId)?.length === 0 &&
          working.get(sms.messageId) === 0 &&
          !state.get(sms.messageId)?.emailed,
      );
      await this.emailAll(manager, unreachable, (messageId, reason) =>
        problems.get(messageId)?.push(`email: ${reason}`),
      );

      const done = open.filter((sms) => problems.get(sms.messageId)?.length === 0);
      if (done.length > 0) {
        await manager.query(
          `UPDATE notification.inbound_notifications SET done_at = now()
            WHERE message_id = ANY($1::uuid[])`,
          [done.map((sms) => sms.messageId)],
        );
      }
      for (const sms of done) {
        const pushed = working.get(sms.messageId);
        this.log.info({ messageId: sms.messageId, staffId: sms.staffId, pushed }, 'notified');
      }
      return messages.map((sms) => problems.get(sms.messageId) ?? []);
    });
  }

  /** Pushes each message to its pending subscriptions; records what was delivered or gone. */
  private async pushAll(
    manager: EntityManager,
    messages: Held[],
    targets: Target[],
    report: {
      delivered: (messageId: string) => void;
      failed: (messageId: string, reason: string) => void;
    },
  ): Promise<void> {
    const byId = new Map(messages.map((sms) => [sms.messageId, sms]));
    const payloads = new Map(
      messages.map((sms) => [sms.messageId, JSON.stringify(pushPayload(sms))]),
    );
    const outcomes = await Promise.allSettled(
      targets.map((target) => {
        const sms = byId.get(target.message_id) as Held;
        return this.push.send(target, payloads.get(sms.messageId) as string, pushTopic(sms));
      }),
    );
    const delivered: Target[] = [];
    const gone = new Set<string>();
    outcomes.forEach((outcome, index) => {
      const target = targets[index];
      if (outcome.status === 'rejected') {
        const reason = pushFailureReason(outcome.reason);
        const ids = { messageId: target.message_id, subscriptionId: target.id, reason };
        this.log.warn(ids, 'push failed');
        report.failed(target.message_id, reason);
      } else if (outcome.value === 'delivered') {
        delivered.push(target);
        report.delivered(target.message_id);
      } else {
        gone.add(target.id);
      }
    });
    if (delivered.length > 0) {
      await manager.query(
        `INSERT INTO notification.push_deliveries (message_id, subscription_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`,
        [delivered.map((target) => target.message_id), delivered.map((target) => target.id)],
      );
    }
    if (gone.size > 0) {
      await manager.query(
        'DELETE FROM notification.push_subscriptions WHERE id = ANY($1::uuid[])',
        [[...gone]],
      );
      this.log.info({ subscriptionIds: [...gone] }, 'push subscriptions gone, removed');
    }
  }

  /** Emails each message to its staff member; records which were sent. */
  private async emailAll(
    manager: EntityManager,
    messages: Held[],
    failed: (messageId: string, reason: string) => void,
  ): Promise<void> {
    if (messages.length === 0) return;
    const emails = new Map(
      (
        await manager.query<{ staff_id: string; email: string }[]>(
          'SELECT staff_id, email FROM notification.staff WHERE staff_id = ANY($1::text[])',
          [messages.map((sms) => sms.staffId)],
        )
      ).map((row) => [row.staff_id, row.email]),
    );
    const outcomes = await Promise.allSettled(
      messages.map(async (sms) => {
        const email = emails.get(sms.staffId);
        // The copy of the staff may be behind the message for a moment: retry rather than drop.
        if (!email) throw new Error(`no email address known for staff member ${sms.staffId}`);
        await this.mail.send(inboundEmail(sms, { email }));
      }),
    );
    const emailed: string[] = [];
    outcomes.forEach((outcome, index) => {
      const { messageId, staffId } = messages[index];
      if (outcome.status === 'fulfilled') {
        emailed.push(messageId);
        this.log.info({ messageId, staffId }, 'no working push subscription: emailed');
        return;
      }
      const reason =
        outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
      this.log.warn({ messageId, staffId, reason }, 'notification email not sent');
      failed(messageId, reason);
    });
    if (emailed.length > 0) {
      await manager.query(
        `UPDATE notification.inbound_notifications SET emailed_at = now()
          WHERE message_id = ANY($1::uuid[])`,
        [emailed],
      );
    }
  }
}
