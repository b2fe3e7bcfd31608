import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Batches } from '@fidelis/broker';
import { EventEnvelope, InboundSmsStoredPayload } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { MailClient, MailNotSentError } from '@fidelis/mail';
import { mailFailure } from '../mail-failure';
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

/** A message's state and one of its staff member's subscriptions (all null when none). */
type Row = { message_id: string; emailed: boolean; done: boolean; email: string | null } & (
  Target | { id: null; endpoint: null; p256dh: null; auth: null; delivered: false }
);

/** Some pushes (or the email) failed; the broker retries the event after its delay. */
export class NotificationIncompleteError extends Error {
  override readonly name = 'NotificationIncompleteError';
}

/** What is still not done for a message, and, when it is the email, why the mail did not go. */
interface Unfinished {
  problems: string[];
  mail?: MailNotSentError['kind'];
}

/**
 * Tells the staff member who held the number about an inbound SMS: a Web Push to each of their
 * subscriptions, or — when they have no working one (none, or every one gone: 404/410) — an
 * email. Once per message: the message's row is locked while it is handled (a concurrent
 * redelivery waits, then finds it done), each push is recorded per (message, subscription) and
 * each email per message. What worked is committed even when something else failed; only then
 * does it throw, so the broker's retry pushes only to the subscriptions that still need it. An
 * email the mail server cannot take now is retried for as long as that lasts; one it refuses for
 * good is dead-lettered (`mailFailure`).
 * A message with no holder notifies nobody: admins see it in the global tab.
 *
 * Messages that arrive while others are being handled are handled together (`Batches`): one
 * transaction of two statements for all of them — lock and find what to do, record what was done
 * — with their pushes and emails side by side in between.
 */
@Injectable()
export class NotifyInboundSmsUseCase {
  private readonly log = logger(NotifyInboundSmsUseCase.name);
  private readonly batches = new Batches<Held, Unfinished>((messages) => this.notify(messages));

  constructor(
    private readonly dataSource: DataSource,
    private readonly push: WebPushClient,
    private readonly mail: MailClient,
  ) {}

  async execute(event: EventEnvelope<InboundSmsStoredPayload>): Promise<void> {
    const sms = event.payload;
    if (!sms.staffId) return;
    const { problems, mail } = await this.batches.submit({ ...sms, staffId: sms.staffId });
    if (problems.length === 0) return;
    const reason = `not yet notified: ${problems.join('; ')}`;
    throw mail ? mailFailure(mail, reason) : new NotificationIncompleteError(reason);
  }

  /** Notifies about `messages` in one transaction; for each, what is still not done. */
  private notify(messages: Held[]): Promise<Unfinished[]> {
    return this.dataSource.transaction(async (manager) => {
      // The same message twice in one batch (a redelivery) is handled once. In id order, so that
      // two instances locking overlapping batches cannot deadlock.
      const unique = [...new Map(messages.map((sms) => [sms.messageId, sms])).values()].sort(
        (a, b) => (a.messageId < b.messageId ? -1 : 1),
      );
      const rows = await this.lockAndFindTargets(manager, unique);
      const state = new Map(rows.map((row) => [row.message_id, row]));
      const open = unique.filter((sms) => !state.get(sms.messageId)?.done);
      const problems = new Map<string, string[]>(open.map((sms) => [sms.messageId, []]));
      const mailFailures = new Map<string, MailNotSentError['kind']>();
      if (open.length === 0) return messages.map(() => ({ problems: [] }));

      const targets = rows.filter((row): row is Target & Row => row.id !== null);
      const working = new Map<string, number>(open.map((sms) => [sms.messageId, 0]));
      const count = (messageId: string) =>
        working.set(messageId, (working.get(messageId) ?? 0) + 1);
      targets.filter((target) => target.delivered).forEach((t) => count(t.message_id));
      const pushes = await this.pushAll(
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
      const emailed = await this.emailAll(unreachable, state, (messageId, error) => {
        if (error instanceof MailNotSentError) mailFailures.set(messageId, error.kind);
        problems.get(messageId)?.push(`email: ${reasonOf(error)}`);
      });

      const done = open.filter((sms) => problems.get(sms.messageId)?.length === 0);
      await this.record(manager, { ...pushes, emailed, done: done.map((sms) => sms.messageId) });
      for (const sms of done) {
        const pushed = working.get(sms.messageId);
        this.log.info({ messageId: sms.messageId, staffId: sms.staffId, pushed }, 'notified');
      }
      return messages.map((sms) => ({
        problems: problems.get(sms.messageId) ?? [],
        mail: mailFailures.get(sms.messageId),
      }));
    });
  }

  /**
   * Records each message (or finds it recorded) and locks it until the commit — a concurrent
   * redelivery waits, then finds it done — and, in the same statement, what is needed to notify
   * it: whether it was emailed or done, the staff member's email, and each of their push
   * subscriptions with whether it already got this message. One row per (message,
   * subscription), or one with no subscription.
   */
  private lockAndFindTargets(manager: EntityManager, messages: Held[]): Promise<Row[]> {
    return manager.query<Row[]>(
      `WITH notice AS (
         INSERT INTO notification.inbound_notifications (message_id, staff_id)
         SELECT * FROM unnest($1::uuid[], $2::text[])
         -- DO UPDATE rather than DO NOTHING: it locks and returns a row that exists already.
         ON CONFLICT (message_id) DO UPDATE SET message_id = excluded.message_id
         RETURNING message_id, staff_id, emailed_at IS NOT NULL AS emailed,
                   done_at IS NOT NULL AS done
       )
       SELECT n.message_id, n.emailed, n.done, st.email,
              s.id, s.endpoint, s.p256dh, s.auth, d.message_id IS NOT NULL AS delivered
         FROM notice n
         LEFT JOIN notification.staff st ON st.staff_id = n.staff_id
         LEFT JOIN notification.push_subscriptions s ON s.staff_id = n.staff_id AND NOT n.done
         LEFT JOIN notification.push_deliveries d
           ON d.subscription_id = s.id AND d.message_id = n.message_id`,
      [messages.map((sms) => sms.messageId), messages.map((sms) => sms.staffId)],
    );
  }

  /** What the pushes and emails did, in one statement. */
  private async record(
    manager: EntityManager,
    outcome: { delivered: Target[]; gone: string[]; emailed: string[]; done: string[] },
  ): Promise<void> {
    const { delivered, gone, emailed, done } = outcome;
    if (delivered.length + gone.length + emailed.length + done.length === 0) return;
    await manager.query(
      `WITH delivered AS (
         INSERT INTO notification.push_deliveries (message_id, subscription_id)
         SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING
       ), gone AS (
         DELETE FROM notification.push_subscriptions WHERE id = ANY($3::uuid[])
       )
       UPDATE notification.inbound_notifications
          SET emailed_at = CASE WHEN message_id = ANY($4::uuid[]) THEN now() ELSE emailed_at END,
              done_at = CASE WHEN message_id = ANY($5::uuid[]) THEN now() ELSE done_at END
        WHERE message_id = ANY($4::uuid[] || $5::uuid[])`,
      [
        delivered.map((target) => target.message_id),
        delivered.map((target) => target.id),
        gone,
        emailed,
        done,
      ],
    );
    if (gone.length > 0) {
      this.log.info({ subscriptionIds: gone }, 'push subscriptions gone, removed');
    }
  }

  /** Pushes each message to its pending subscriptions: the deliveries, and the subscriptions gone. */
  private async pushAll(
    messages: Held[],
    targets: Target[],
    report: {
      delivered: (messageId: string) => void;
      failed: (messageId: string, reason: string) => void;
    },
  ): Promise<{ delivered: Target[]; gone: string[] }> {
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
    return { delivered, gone: [...gone] };
  }

  /** Emails each message to its staff member: the ids of the messages emailed. */
  private async emailAll(
    messages: Held[],
    state: Map<string, Row>,
    failed: (messageId: string, error: unknown) => void,
  ): Promise<string[]> {
    const outcomes = await Promise.allSettled(
      messages.map(async (sms) => {
        const email = state.get(sms.messageId)?.email;
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
      const reason = reasonOf(outcome.reason);
      this.log.warn({ messageId, staffId, reason }, 'notification email not sent');
      failed(messageId, outcome.reason);
    });
    return emailed;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
