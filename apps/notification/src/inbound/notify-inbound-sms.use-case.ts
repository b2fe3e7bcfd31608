import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EventEnvelope, InboundSmsStoredPayload } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { MailClient } from '@fidelis/mail';
import { pushFailureReason, PushOutcome, WebPushClient } from '../push/web-push.client';
import { inboundEmail, pushPayload, pushTopic } from './inbound-notice';

interface Target {
  id: string;
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
 */
@Injectable()
export class NotifyInboundSmsUseCase {
  private readonly log = logger(NotifyInboundSmsUseCase.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly push: WebPushClient,
    private readonly mail: MailClient,
  ) {}

  async execute(event: EventEnvelope<InboundSmsStoredPayload>): Promise<void> {
    const sms = event.payload;
    const staffId = sms.staffId;
    if (!staffId) return;
    const ids = { messageId: sms.messageId, staffId };

    const problems = await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO notification.inbound_notifications (message_id, staff_id) VALUES ($1, $2)
         ON CONFLICT (message_id) DO NOTHING`,
        [sms.messageId, staffId],
      );
      const [state] = await manager.query<{ emailed: boolean; done: boolean }[]>(
        `SELECT emailed_at IS NOT NULL AS emailed, done_at IS NOT NULL AS done
           FROM notification.inbound_notifications WHERE message_id = $1 FOR UPDATE`,
        [sms.messageId],
      );
      if (state.done) return [];

      const targets = await manager.query<Target[]>(
        `SELECT s.id, s.endpoint, s.p256dh, s.auth, d.message_id IS NOT NULL AS delivered
           FROM notification.push_subscriptions s
           LEFT JOIN notification.push_deliveries d
             ON d.subscription_id = s.id AND d.message_id = $2
          WHERE s.staff_id = $1`,
        [staffId, sms.messageId],
      );
      const problems: string[] = [];
      let working = targets.filter((target) => target.delivered).length;
      const pending = targets.filter((target) => !target.delivered);
      const payload = JSON.stringify(pushPayload(sms));
      const outcomes = await Promise.allSettled(
        pending.map((target) => this.push.send(target, payload, pushTopic(sms))),
      );
      for (const [index, outcome] of outcomes.entries()) {
        const target = pending[index];
        if (outcome.status === 'rejected') {
          const reason = pushFailureReason(outcome.reason);
          this.log.warn({ ...ids, subscriptionId: target.id, reason }, 'push failed');
          problems.push(reason);
        } else {
          await this.record(manager, sms.messageId, target, outcome.value);
          if (outcome.value === 'delivered') working += 1;
        }
      }

      if (problems.length === 0 && working === 0 && !state.emailed) {
        try {
          await this.emailStaff(manager, sms, staffId);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          this.log.warn({ ...ids, reason }, 'notification email not sent');
          problems.push(`email: ${reason}`);
        }
      }
      if (problems.length === 0) {
        await manager.query(
          'UPDATE notification.inbound_notifications SET done_at = now() WHERE message_id = $1',
          [sms.messageId],
        );
        this.log.info({ ...ids, pushed: working, subscriptions: targets.length }, 'notified');
      }
      return problems;
    });
    if (problems.length > 0) {
      throw new NotificationIncompleteError(`not yet notified: ${problems.join('; ')}`);
    }
  }

  private async record(
    manager: EntityManager,
    messageId: string,
    target: Target,
    outcome: PushOutcome,
  ): Promise<void> {
    switch (outcome) {
      case 'delivered':
        await manager.query(
          `INSERT INTO notification.push_deliveries (message_id, subscription_id) VALUES ($1, $2)
           ON CONFLICT DO NOTHING`,
          [messageId, target.id],
        );
        return;
      case 'gone':
        await manager.query('DELETE FROM notification.push_subscriptions WHERE id = $1', [
          target.id,
        ]);
        this.log.info({ messageId, subscriptionId: target.id }, 'push subscription gone, removed');
        return;
    }
  }

  private async emailStaff(
    manager: EntityManager,
    sms: InboundSmsStoredPayload,
    staffId: string,
  ): Promise<void> {
    const [staff] = await manager.query<{ email: string }[]>(
      'SELECT email FROM notification.staff WHERE staff_id = $1',
      [staffId],
    );
    // The copy of the staff may be behind the message for a moment: retry rather than drop.
    if (!staff) throw new Error(`no email address known for staff member ${staffId}`);
    await this.mail.send(inboundEmail(sms, staff));
    await manager.query(
      'UPDATE notification.inbound_notifications SET emailed_at = now() WHERE message_id = $1',
      [sms.messageId],
    );
    this.log.info({ messageId: sms.messageId, staffId }, 'no working push subscription: emailed');
  }
}
