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

/** An inbound message as it is stored. */
interface Inbound {
  event: EventEnvelope<SmsRoutedPayload>;
  sms: SmsRoutedPayload['sms'];
  staffId: string | null;
  studentId: string | null;
  ambiguous: boolean;
  candidates: string[];
  status: 'received' | 'unroutable';
  optChange: ReturnType<typeof optChangeOf>;
  size: ReturnType<typeof smsSize>;
}

/**
 * Last step of inbound mapping: the message is stored in its conversation, once per MessageSid,
 * and announced for notification. A phone shared by several students is attributed to the one
 * most recently messaged from this number; when none was, the message stays ambiguous with its
 * candidates — never given to a random one. Takes the messages that waited together at once: one
 * insert, one lookup of names and one outbox insert for all.
 */
@Injectable()
export class StoreInboundSmsUseCase {
  constructor(private readonly outbox: Outbox) {}

  async execute(events: EventEnvelope<SmsRoutedPayload>[], manager: EntityManager): Promise<void> {
    const messages: Inbound[] = [];
    for (const event of events) {
      const { sms, staffId, candidateStudentIds } = event.payload;
      const studentId =
        event.payload.studentId ?? (await this.lastMessaged(manager, sms.to, candidateStudentIds));
      const ambiguous = studentId === null && candidateStudentIds.length > 1;
      messages.push({
        event,
        sms,
        staffId,
        studentId,
        ambiguous,
        candidates: ambiguous ? candidateStudentIds : [],
        status: staffId ? 'received' : 'unroutable',
        optChange: optChangeOf(sms.body),
        size: smsSize(sms.body),
      });
    }

    const column = <T>(value: (message: Inbound) => T) => messages.map(value);
    const stored = await manager.query<{ id: string; twilio_sid: string }[]>(
      `INSERT INTO messaging.messages (direction, student_id, staff_id, from_phone, to_phone, body,
         media, status, twilio_sid, segments, encoding, ambiguous, candidate_student_ids,
         opt_change, correlation_id, created_at, updated_at)
       SELECT 'inbound', student_id, staff_id, from_phone, to_phone, body, media, status,
              twilio_sid, segments, encoding, ambiguous,
              ARRAY(SELECT jsonb_array_elements_text(candidates)), opt_change, correlation_id,
              received_at, received_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
                     $7::text[], $8::text[], $9::int[], $10::text[], $11::boolean[], $12::jsonb[],
                     $13::text[], $14::text[], $15::timestamptz[])
           AS m(student_id, staff_id, from_phone, to_phone, body, media, status, twilio_sid,
                segments, encoding, ambiguous, candidates, opt_change, correlation_id, received_at)
       ON CONFLICT (twilio_sid) DO NOTHING
       RETURNING id, twilio_sid`,
      [
        column((m) => m.studentId),
        column((m) => m.staffId),
        column((m) => m.sms.from),
        column((m) => m.sms.to),
        column((m) => m.sms.body),
        column((m) => JSON.stringify(m.sms.media)),
        column((m) => m.status),
        column((m) => m.sms.messageSid),
        column((m) => m.size.segments),
        column((m) => m.size.encoding),
        column((m) => m.ambiguous),
        column((m) => JSON.stringify(m.candidates)),
        column((m) => m.optChange),
        column((m) => m.event.correlationId),
        column((m) => m.sms.receivedAt),
      ],
    );
    // A MessageSid not returned was stored before (Twilio retried): already announced.
    const storedIds = new Map(stored.map((row) => [row.twilio_sid, row.id]));
    const fresh = messages.filter((m) => storedIds.has(m.sms.messageSid));
    if (fresh.length === 0) return;

    const names = new Map(
      (
        await manager.query<{ student_id: string; name: string }[]>(
          'SELECT student_id, name FROM messaging.students WHERE student_id = ANY($1::text[])',
          [fresh.flatMap((m) => (m.studentId ? [m.studentId] : []))],
        )
      ).map((row) => [row.student_id, row.name]),
    );
    await this.outbox.addMany(
      manager,
      InboundSmsStored,
      fresh.map((m) =>
        createEnvelope(
          InboundSmsStored,
          {
            messageId: storedIds.get(m.sms.messageSid) as string,
            messageSid: m.sms.messageSid,
            studentId: m.studentId,
            studentName: (m.studentId && names.get(m.studentId)) ?? null,
            ambiguous: m.ambiguous,
            candidateStudentIds: m.candidates,
            staffId: m.staffId,
            from: m.sms.from,
            to: m.sms.to,
            body: m.sms.body,
            media: m.sms.media,
            status: m.status,
            optChange: m.optChange,
            receivedAt: m.sms.receivedAt,
          },
          { cause: m.event },
        ),
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
