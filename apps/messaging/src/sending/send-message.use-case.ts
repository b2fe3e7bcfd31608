import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, MessageView, SendMessageRequest } from '@fidelis/contracts';
import { currentCorrelation } from '@fidelis/logging';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { smsSize } from '@fidelis/sms';
import { Student } from '../directory/student.entity';
import { FallbackMailer } from '../fallback/fallback-mailer';
import { MessageRow, toMessageView } from '../messages/message-row';
import { MessageStore } from '../messages/message-store';
import { NumberHolders } from '../number-holders/number-holders';
import { OptOuts } from '../opt-outs/opt-outs';
import { assertSendableBody } from './message-body';
import { refusal, SendContext } from './send-context';
import { QuietHours, requestedSendAt } from './quiet-hours';
import { PRIORITY, SendQueue } from './send-queue';
import { SendWorker } from './send-worker';

/**
 * One message from the caller's own number to a student. It is stored and queued (the send
 * worker hands it to Twilio at the number's pace), or — when the student has no SMS phone or
 * opted out of this number — goes by email at once, which the answer shows. One Idempotency-Key
 * (per sender) is one message.
 */
@Injectable()
export class SendMessageUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly context: SendContext,
    private readonly holders: NumberHolders,
    private readonly optOuts: OptOuts,
    private readonly queue: SendQueue,
    private readonly store: MessageStore,
    private readonly worker: SendWorker,
    private readonly mailer: FallbackMailer,
    private readonly audit: AuditTrail,
    private readonly quietHours: QuietHours,
  ) {}

  async execute(request: SendMessageRequest): Promise<MessageView> {
    assertSendableBody(request.body);
    const earlier = await this.byKey(request);
    if (earlier) return toMessageView(earlier);
    const requested = requestedSendAt(request.sendAt, new Date());

    const freshness = await this.context.refresh(request.senderId, [request.studentId]);
    const number = await this.holders.currentNumberOf(request.senderId);
    if (!number) {
      throw refusal(
        freshness,
        new DomainError('SENDER_HAS_NO_NUMBER', 'you have no number to send from yet'),
      );
    }
    const student = await this.dataSource.manager.findOneBy(Student, {
      studentId: request.studentId,
    });
    if (!student) {
      throw refusal(
        freshness,
        new DomainError('STUDENT_NOT_FOUND', `no student ${request.studentId}`),
      );
    }
    const from = number.phoneNumber;
    const noSms = !student.smsPhone
      ? 'no-sms-phone'
      : (await this.optOuts.isOptedOut(student.smsPhone, from))
        ? 'opted-out'
        : null;
    const size = smsSize(request.body);
    const sendAt = await this.sendAt(requested, student, from, noSms);

    const message = await this.unitOfWork.run(async (manager) => {
      const inserted = await manager.query<MessageRow[]>(
        `INSERT INTO messaging.messages
           (direction, student_id, staff_id, from_phone, to_phone, body, media, status,
            segments, encoding, idempotency_key, correlation_id, send_at)
         VALUES ('outbound', $1, $2, $3, $4, $5, $6, $11, $7, $8, $9, $10, $12)
         ON CONFLICT ON CONSTRAINT messages_one_send_per_key DO NOTHING
         RETURNING *`,
        [
          student.studentId,
          request.senderId,
          from,
          student.smsPhone,
          request.body,
          JSON.stringify((request.mediaUrls ?? []).map((url) => ({ url }))),
          size.segments,
          size.encoding,
          request.idempotencyKey ?? null,
          currentCorrelation()?.correlationId ?? null,
          sendAt ? 'scheduled' : 'queued',
          sendAt,
        ],
      );
      const created = inserted[0];
      // The same key raced in from another request: that one is the send.
      if (!created) return undefined;
      // A scheduled message is checked again, and queued or emailed, when it is due.
      if (noSms && !sendAt) {
        await this.store.fail(manager, created.id, noSms);
      } else if (!sendAt) {
        await this.queue.enqueue(manager, from, PRIORITY.oneToOne, { messageId: created.id });
      }
      await this.audit.record(manager, {
        actorId: request.senderId,
        action: 'message.sent',
        targetType: 'student',
        targetId: student.studentId,
        after: {
          messageId: created.id,
          from,
          to: student.smsPhone,
          segments: size.segments,
          sendAt: sendAt?.toISOString() ?? null,
        },
      });
      return this.store.find(manager, created.id);
    });
    if (noSms) this.mailer.wake();
    else this.worker.wake();
    const sent = message ?? (await this.byKey(request));
    if (!sent) throw new DomainError('INTERNAL', 'the message was not stored');
    return toMessageView(sent);
  }

  /** When the message goes: null for now; else the time asked for, or the end of a night. */
  private async sendAt(
    requested: Date | null,
    student: Student,
    from: string,
    noSms: string | null,
  ): Promise<Date | null> {
    if (requested) return noSms ? requested : this.quietHours.sendAt(requested, student.timezone);
    if (noSms || !student.smsPhone) return null;
    return this.quietHours.heldUntil(student.smsPhone, student.timezone, from);
  }

  private async byKey(request: SendMessageRequest): Promise<MessageRow | undefined> {
    if (!request.idempotencyKey) return undefined;
    const rows = await this.dataSource.query<MessageRow[]>(
      `SELECT * FROM messaging.messages WHERE staff_id = $1 AND idempotency_key = $2`,
      [request.senderId, request.idempotencyKey],
    );
    return rows[0];
  }
}
