import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  BulkView,
  DomainError,
  FallbackView,
  MessageStatus,
  SendBulkRequest,
} from '@fidelis/contracts';
import { currentCorrelation } from '@fidelis/logging';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { personalize, smsSize } from '@fidelis/sms';
import { FallbackMailer } from '../fallback/fallback-mailer';
import { MessageRow } from '../messages/message-row';
import { NumberHolders } from '../number-holders/number-holders';
import { assertSendableBody } from './message-body';
import { refusal, SendContext } from './send-context';
import { QuietHours, requestedSendAt } from './quiet-hours';
import { PRIORITY, SendQueue } from './send-queue';
import { SendWorker } from './send-worker';

interface Recipient {
  student_id: string;
  name: string;
  email: string | null;
  sms_phone: string | null;
  timezone: string | null;
  opted_out: boolean;
}

/** How many unknown ids a refusal names. */
const NAMED_UNKNOWN = 100;

/**
 * The same text, personalised, to up to 10,000 students from the caller's number. Every message
 * and its place in the send queue are written with a handful of statements, so the answer comes
 * at once; the send worker does the rest at the number's pace, behind any one-to-one message.
 * Students without SMS (no phone, opted out) go by email. All the students must be known.
 * Students in their quiet hours are scheduled for the end of them (`scheduled`, with `send_at`);
 * with `sendAt`, every message waits for it (and for the end of its student's quiet hours), and
 * is checked again when it goes (ScheduledSends).
 */
@Injectable()
export class SendBulkUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly context: SendContext,
    private readonly holders: NumberHolders,
    private readonly queue: SendQueue,
    private readonly worker: SendWorker,
    private readonly mailer: FallbackMailer,
    private readonly audit: AuditTrail,
    private readonly quietHours: QuietHours,
  ) {}

  async execute(request: SendBulkRequest): Promise<BulkView> {
    assertSendableBody(request.body);
    const earlier = await this.byKey(request);
    if (earlier) return earlier;
    const requested = requestedSendAt(request.sendAt, new Date());

    const studentIds = [...new Set(request.studentIds)];
    const freshness = await this.context.refresh(request.senderId, studentIds);
    const number = await this.holders.currentNumberOf(request.senderId);
    if (!number) {
      throw refusal(
        freshness,
        new DomainError('SENDER_HAS_NO_NUMBER', 'you have no number to send from yet'),
      );
    }
    const from = number.phoneNumber;
    const recipients = await this.dataSource.query<Recipient[]>(
      `SELECT s.student_id, s.name, s.email, s.sms_phone, s.timezone,
              (o.student_phone IS NOT NULL) AS opted_out
         FROM unnest($1::text[]) WITH ORDINALITY AS wanted (student_id, position)
         JOIN messaging.students s USING (student_id)
         LEFT JOIN messaging.opt_outs o
           ON o.student_phone = s.sms_phone AND o.number = $2 AND o.opted_out
        ORDER BY wanted.position`,
      [studentIds, from],
    );
    if (recipients.length < studentIds.length) {
      const found = new Set(recipients.map((recipient) => recipient.student_id));
      const unknown = studentIds.filter((id) => !found.has(id));
      throw refusal(
        freshness,
        new DomainError('STUDENT_NOT_FOUND', `${unknown.length} student(s) are unknown`, {
          studentIds: unknown.slice(0, NAMED_UNKNOWN),
        }),
      );
    }

    const bodies = recipients.map((recipient) => personalize(request.body, recipient.name));
    bodies.forEach((body, index) =>
      assertSendableBody(body, `the message to ${recipients[index].student_id}`),
    );
    const sizes = bodies.map(smsSize);
    const bulkId = randomUUID();

    const now = new Date();
    const messages = recipients.map((recipient, index) => {
      const noSms = !recipient.sms_phone
        ? 'no-sms-phone'
        : recipient.opted_out
          ? 'opted-out'
          : null;
      const sendAt = noSms
        ? requested
        : this.quietHours.sendAt(requested ?? now, recipient.timezone);
      const scheduled = sendAt !== null && sendAt > now;
      const fallback: FallbackView | null =
        noSms && recipient.email && !scheduled
          ? { channel: 'email', to: recipient.email, status: 'pending', at: now.toISOString() }
          : null;
      const status: MessageStatus = scheduled
        ? 'scheduled'
        : !noSms
          ? 'queued'
          : fallback
            ? 'failed'
            : 'undeliverable';
      return {
        id: randomUUID(),
        direction: 'outbound' as const,
        student_id: recipient.student_id,
        staff_id: request.senderId,
        from_phone: from,
        to_phone: recipient.sms_phone,
        body: bodies[index],
        media: [],
        status,
        twilio_sid: null,
        error_code: scheduled ? null : noSms,
        fallback,
        segments: sizes[index].segments,
        encoding: sizes[index].encoding,
        bulk_id: bulkId,
        send_at: scheduled ? sendAt : null,
        route: null,
        created_at: now,
        updated_at: now,
      } satisfies MessageRow;
    });

    const created = await this.unitOfWork.run(async (manager) => {
      const bulk = await manager.query<{ id: string }[]>(
        `INSERT INTO messaging.bulks (id, staff_id, idempotency_key, body, total)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ON CONSTRAINT bulks_one_send_per_key DO NOTHING RETURNING id`,
        [bulkId, request.senderId, request.idempotencyKey ?? null, request.body, studentIds.length],
      );
      if (bulk.length === 0) return false;
      await manager.query(
        `INSERT INTO messaging.messages
           (id, direction, student_id, staff_id, from_phone, to_phone, body, status, error_code,
            fallback, segments, encoding, bulk_id, correlation_id, send_at, created_at, updated_at)
         SELECT r.id, 'outbound', r.student_id, $1, $2, r.to_phone, r.body, r.status,
                r.error_code, r.fallback, r.segments, r.encoding, $3, $4, r.send_at,
                $5::timestamptz + r.position * interval '1 microsecond', $5
           FROM unnest($6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                       $12::jsonb[], $13::int[], $14::text[], $15::timestamptz[])
             WITH ORDINALITY
             AS r (id, student_id, to_phone, body, status, error_code, fallback, segments, encoding,
                   send_at, position)`,
        [
          request.senderId,
          from,
          bulkId,
          currentCorrelation()?.correlationId ?? null,
          now,
          messages.map((message) => message.id),
          messages.map((message) => message.student_id),
          messages.map((message) => message.to_phone),
          messages.map((message) => message.body),
          messages.map((message) => message.status),
          messages.map((message) => message.error_code),
          messages.map((message) => (message.fallback ? JSON.stringify(message.fallback) : null)),
          messages.map((message) => message.segments),
          messages.map((message) => message.encoding),
          messages.map((message) => message.send_at),
        ],
      );
      await this.queue.enqueue(manager, from, PRIORITY.bulk, { bulkId });
      // One entry for the whole bulk: who sent what to how many (the messages name each student).
      await this.audit.record(manager, {
        actorId: request.senderId,
        action: 'bulk.sent',
        targetType: 'bulk',
        targetId: bulkId,
        after: {
          from,
          recipients: studentIds.length,
          body: request.body,
          scheduled: messages.filter((message) => message.status === 'scheduled').length,
          sendAt: requested?.toISOString() ?? null,
        },
      });
      // Those who cannot get SMS are counted in the bulk's progress (failed, fallback); each one
      // going by email is announced when its mail goes. 10,000 events here would cost the answer
      // its second.
      return true;
    });
    if (!created) {
      const existing = await this.byKey(request);
      if (!existing) throw new DomainError('INTERNAL', 'the bulk send was not stored');
      return existing;
    }
    this.worker.wake();
    this.mailer.wake();
    return { bulkId, total: studentIds.length };
  }

  private async byKey(request: SendBulkRequest): Promise<BulkView | undefined> {
    if (!request.idempotencyKey) return undefined;
    const rows = await this.dataSource.query<{ id: string; total: number }[]>(
      'SELECT id, total FROM messaging.bulks WHERE staff_id = $1 AND idempotency_key = $2',
      [request.senderId, request.idempotencyKey],
    );
    return rows[0] && { bulkId: rows[0].id, total: rows[0].total };
  }
}
