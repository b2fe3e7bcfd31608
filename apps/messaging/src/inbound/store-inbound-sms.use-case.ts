import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Outbox } from '@fidelis/broker';
import {
  createEnvelope,
  EventEnvelope,
  InboundSmsStored,
  SmsRoutedPayload,
} from '@fidelis/contracts';
import { optChangeOf, smsSize } from '@fidelis/sms';

/**
 * Last step of inbound mapping: the message is stored in its conversation, once per MessageSid,
 * and announced for notification. A phone shared by several students is attributed to the one
 * most recently messaged from this number; when none was, the message stays ambiguous with its
 * candidates — never given to a random one.
 */
@Injectable()
export class StoreInboundSmsUseCase {
  constructor(private readonly outbox: Outbox) {}

  async execute(event: EventEnvelope<SmsRoutedPayload>, manager: EntityManager): Promise<void> {
    const { sms, staffId, candidateStudentIds } = event.payload;
    const studentId =
      event.payload.studentId ?? (await this.lastMessaged(manager, sms.to, candidateStudentIds));
    const ambiguous = studentId === null && candidateStudentIds.length > 1;
    const status = staffId ? 'received' : 'unroutable';
    const optChange = optChangeOf(sms.body);
    const size = smsSize(sms.body);

    const stored = await manager.query<{ id: string }[]>(
      `INSERT INTO messaging.messages (direction, student_id, staff_id, from_phone, to_phone, body,
         media, status, twilio_sid, segments, encoding, ambiguous, candidate_student_ids,
         opt_change, correlation_id, created_at, updated_at)
       VALUES ('inbound', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
       ON CONFLICT (twilio_sid) DO NOTHING
       RETURNING id`,
      [
        studentId,
        staffId,
        sms.from,
        sms.to,
        sms.body,
        JSON.stringify(sms.media),
        status,
        sms.messageSid,
        size.segments,
        size.encoding,
        ambiguous,
        ambiguous ? candidateStudentIds : [],
        optChange,
        event.correlationId,
        sms.receivedAt,
      ],
    );
    // The same MessageSid again (Twilio retried): already stored and announced.
    if (stored.length === 0) return;

    const names = await manager.query<{ name: string }[]>(
      'SELECT name FROM messaging.students WHERE student_id = $1',
      [studentId],
    );
    await this.outbox.add(
      manager,
      InboundSmsStored,
      createEnvelope(
        InboundSmsStored,
        {
          messageId: stored[0].id,
          messageSid: sms.messageSid,
          studentId,
          studentName: names[0]?.name ?? null,
          ambiguous,
          candidateStudentIds: ambiguous ? candidateStudentIds : [],
          staffId,
          from: sms.from,
          to: sms.to,
          body: sms.body,
          media: sms.media,
          status,
          optChange,
          receivedAt: sms.receivedAt,
        },
        { cause: event },
      ),
    );
  }

  /** Of the students sharing a phone, the one this number messaged last (or null). */
  private async lastMessaged(
    manager: EntityManager,
    ourNumber: string,
    candidates: string[],
  ): Promise<string | null> {
    if (candidates.length === 0) return null;
    const rows = await manager.query<{ student_id: string }[]>(
      `SELECT student_id FROM messaging.messages
        WHERE direction = 'outbound' AND from_phone = $1 AND student_id = ANY($2)
        ORDER BY created_at DESC LIMIT 1`,
      [ourNumber, candidates],
    );
    return rows[0]?.student_id ?? null;
  }
}
