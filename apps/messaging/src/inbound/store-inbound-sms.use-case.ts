import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Outbox } from '@fidelis/broker';
import {
  createEnvelope,
  EventEnvelope,
  InboundSmsStored,
  InboundSmsStoredPayload,
  RouteView,
  SmsRoutedPayload,
} from '@fidelis/contracts';
import { flagsOf, optChangeOf, smsSize } from '@fidelis/sms';

/**
 * Last step of inbound mapping: the message is stored in its conversation, once per MessageSid,
 * and announced for notification. A phone shared by several students is attributed to the one
 * of the latest conversation on this number; when there is none, the message stays ambiguous with its
 * candidates — never given to a random one.
 *
 * Takes the messages that waited together at once, and stores them and their announcements with
 * one statement (`Outbox.addByStatement`), atomic on its own: the MessageSid is unique, so a
 * redelivered or repeated message inserts nothing and announces nothing — no transaction and no
 * record of handled events are needed.
 */
@Injectable()
export class StoreInboundSmsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async execute(events: EventEnvelope<SmsRoutedPayload>[]): Promise<void> {
    // Each message as it is stored is the payload of the event announcing it; the student's name
    // is filled in by the statement, from the directory copy.
    const announcements: EventEnvelope<InboundSmsStoredPayload>[] = [];
    const routes: RouteView[] = [];
    for (const event of events) {
      const { sms, staffId, candidateStudentIds } = event.payload;
      const latest = event.payload.studentId
        ? null
        : await this.lastMessaged(sms.to, candidateStudentIds);
      const studentId = event.payload.studentId ?? latest;
      const ambiguous = studentId === null && candidateStudentIds.length > 1;
      routes.push({
        student: {
          by: event.payload.studentId ? 'smsPhone' : latest ? 'latestConversation' : null,
          candidates: candidateStudentIds,
        },
        staff: { id: staffId, heldSince: event.payload.heldSince ?? null },
      });
      announcements.push(
        createEnvelope(
          InboundSmsStored,
          {
            messageId: randomUUID(),
            messageSid: sms.messageSid,
            studentId,
            studentName: null,
            ambiguous,
            candidateStudentIds: ambiguous ? candidateStudentIds : [],
            staffId,
            from: sms.from,
            to: sms.to,
            body: sms.body,
            media: sms.media,
            status: staffId ? 'received' : 'unroutable',
            optChange: optChangeOf(sms.body),
            flags: flagsOf(sms.body),
            receivedAt: sms.receivedAt,
          },
          { cause: event },
        ),
      );
    }

    const column = <T>(value: (message: InboundSmsStoredPayload) => T) =>
      announcements.map((announcement) => value(announcement.payload));
    const sizes = announcements.map((announcement) => smsSize(announcement.payload.body));
    await this.outbox.addByStatement(
      (outbox) => `
        WITH m AS (
          SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
                               $6::text[], $7::jsonb[], $8::text[], $9::text[], $10::int[],
                               $11::text[], $12::boolean[], $13::jsonb[], $14::text[], $15::text[],
                               $16::timestamptz[], $17::jsonb[], $19::jsonb[], $20::jsonb[])
            AS m(id, student_id, staff_id, from_phone, to_phone, body, media, status, twilio_sid,
                 segments, encoding, ambiguous, candidates, opt_change, correlation_id,
                 received_at, stored, route, flags)
        ), inserted AS (
          INSERT INTO messaging.messages (id, direction, student_id, staff_id, from_phone,
            to_phone, body, media, status, twilio_sid, segments, encoding, ambiguous,
            candidate_student_ids, opt_change, correlation_id, route, flags, created_at,
            updated_at)
          SELECT id, 'inbound', student_id, staff_id, from_phone, to_phone, body, media, status,
                 twilio_sid, segments, encoding, ambiguous,
                 ARRAY(SELECT jsonb_array_elements_text(candidates)), opt_change, correlation_id,
                 route, ARRAY(SELECT jsonb_array_elements_text(flags)), received_at, received_at
            FROM m
          ON CONFLICT (twilio_sid) DO NOTHING
          RETURNING id
        )
        INSERT INTO ${outbox} (routing_key, envelope)
        SELECT $18, jsonb_set(m.stored, '{payload,studentName}',
                              coalesce(to_jsonb(s.name), 'null'::jsonb))
          FROM m JOIN inserted USING (id)
          LEFT JOIN messaging.students s ON s.student_id = m.student_id
        RETURNING id, routing_key, envelope`,
      [
        column((m) => m.messageId),
        column((m) => m.studentId),
        column((m) => m.staffId),
        column((m) => m.from),
        column((m) => m.to),
        column((m) => m.body),
        column((m) => JSON.stringify(m.media)),
        column((m) => m.status),
        column((m) => m.messageSid),
        sizes.map((size) => size.segments),
        sizes.map((size) => size.encoding),
        column((m) => m.ambiguous),
        column((m) => JSON.stringify(m.candidateStudentIds)),
        column((m) => m.optChange),
        announcements.map((announcement) => announcement.correlationId),
        column((m) => m.receivedAt),
        announcements.map((announcement) => JSON.stringify(announcement)),
        InboundSmsStored.routingKey,
        routes.map((route) => JSON.stringify(route)),
        // Asked to stop in other words: not obeyed, flagged for staff (Needs attention).
        column((m) => JSON.stringify(m.flags ?? [])),
      ],
    );
  }

  /**
   * Of the students sharing a phone, the one of the latest conversation on this number: messaged
   * last from it, or whose reply to it was last attributed (by this rule or by staff picking).
   */
  private async lastMessaged(ourNumber: string, candidates: string[]): Promise<string | null> {
    if (candidates.length === 0) return null;
    const rows = await this.dataSource.query<{ student_id: string }[]>(
      `SELECT student_id FROM messaging.messages
        WHERE student_id = ANY($2)
          AND ((direction = 'outbound' AND from_phone = $1)
            OR (direction = 'inbound' AND to_phone = $1))
        ORDER BY created_at DESC LIMIT 1`,
      [ourNumber, candidates],
    );
    return rows[0]?.student_id ?? null;
  }
}
