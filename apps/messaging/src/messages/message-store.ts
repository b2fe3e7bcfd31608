import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Outbox } from '@fidelis/broker';
import {
  createEnvelope,
  EventEnvelope,
  SmsStatusChanged,
  TwilioMessageStatus,
} from '@fidelis/contracts';
import { FAILED_STATUSES, MessageRow, outboundStatusOf, STATUS_RANK_SQL } from './message-row';

const NOW_ISO = `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Changes to outbound messages that must go together: the status (never backwards), the email
 * fallback when SMS cannot carry a message, and the SmsStatusChanged event of every change —
 * each in the caller's transaction.
 */
@Injectable()
export class MessageStore {
  constructor(private readonly outbox: Outbox) {}

  async find(manager: EntityManager, messageId: string): Promise<MessageRow | undefined> {
    const rows = await manager.query<MessageRow[]>(
      'SELECT * FROM messaging.messages WHERE id = $1',
      [messageId],
    );
    return rows[0];
  }

  /**
   * Serialises work on one Twilio sid (a status report and the recording of the send that
   * produced the sid), so that whichever commits second sees the other.
   */
  async lockSid(manager: EntityManager, twilioSid: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`twilio-sid:${twilioSid}`]);
  }

  /** Applies a status Twilio reported for `twilioSid`, if it moves the message forward. */
  async applyStatus(
    manager: EntityManager,
    twilioSid: string,
    reported: TwilioMessageStatus,
    errorCode: string | null,
    cause?: EventEnvelope,
  ): Promise<void> {
    const status = outboundStatusOf(reported);
    if (!status) return;
    const rows = await manager.query<[MessageRow[], number]>(
      `UPDATE messaging.messages
          SET status = $2, error_code = COALESCE($3, error_code), updated_at = now()
        WHERE twilio_sid = $1 AND direction = 'outbound'
          AND ${STATUS_RANK_SQL('status')} < ${STATUS_RANK_SQL('$2::text')}
        RETURNING *`,
      [twilioSid, status, errorCode],
    );
    const changed = rows[0][0];
    if (!changed) return;
    if (FAILED_STATUSES.includes(status)) {
      await this.fallBackToEmail(manager, changed, cause);
    } else {
      await this.announce(manager, changed, cause);
    }
  }

  /** Twilio accepted the message: its sid, its status, and any report that came before this. */
  async recordAccepted(
    manager: EntityManager,
    messageId: string,
    accepted: { sid: string; status: TwilioMessageStatus; submittedAt: Date; workerId: string },
  ): Promise<void> {
    await this.lockSid(manager, accepted.sid);
    await manager.query(
      `UPDATE messaging.messages
          SET twilio_sid = $2, submitted_at = $3, submitted_by = $4, updated_at = now()
        WHERE id = $1`,
      [messageId, accepted.sid, accepted.submittedAt, accepted.workerId],
    );
    await this.applyStatus(manager, accepted.sid, accepted.status, null);
    const reports = await manager.query<
      { status: TwilioMessageStatus; error_code: string | null }[]
    >(
      `SELECT status, error_code FROM messaging.status_reports WHERE message_sid = $1
        ORDER BY ${STATUS_RANK_SQL('status')} DESC, reported_at LIMIT 1`,
      [accepted.sid],
    );
    if (reports[0]) {
      await this.applyStatus(manager, accepted.sid, reports[0].status, reports[0].error_code);
    }
  }

  /** Twilio refused the message for good (or SMS was never possible): email takes over. */
  async fail(manager: EntityManager, messageId: string, errorCode: string): Promise<void> {
    const rows = await manager.query<[MessageRow[], number]>(
      `UPDATE messaging.messages SET status = 'failed', error_code = $2, updated_at = now()
        WHERE id = $1 RETURNING *`,
      [messageId, errorCode],
    );
    if (rows[0][0]) await this.fallBackToEmail(manager, rows[0][0]);
  }

  /**
   * Sends the message's text by email to the student (the mail worker does it), or — when the
   * student has no email — leaves it failed, or marks it undeliverable when SMS never went out.
   */
  async fallBackToEmail(
    manager: EntityManager,
    message: MessageRow,
    cause?: EventEnvelope,
  ): Promise<void> {
    const rows = await manager.query<[MessageRow[], number]>(
      `UPDATE messaging.messages m
          SET fallback = jsonb_build_object('channel', 'email', 'to', s.email,
                                            'status', 'pending', 'at', ${NOW_ISO}),
              updated_at = now()
         FROM messaging.students s
        WHERE m.id = $1 AND s.student_id = m.student_id AND s.email IS NOT NULL
          AND m.fallback IS NULL
        RETURNING m.*`,
      [message.id],
    );
    let changed = rows[0][0];
    if (!changed && message.fallback === null && message.twilio_sid === null) {
      const undeliverable = await manager.query<[MessageRow[], number]>(
        `UPDATE messaging.messages SET status = 'undeliverable', updated_at = now()
          WHERE id = $1 RETURNING *`,
        [message.id],
      );
      changed = undeliverable[0][0];
    }
    await this.announce(manager, changed ?? message, cause);
  }

  /** Records how the email fallback went. */
  async settleFallback(
    manager: EntityManager,
    messageId: string,
    status: 'sent' | 'failed',
  ): Promise<void> {
    const rows = await manager.query<[MessageRow[], number]>(
      `UPDATE messaging.messages
          SET fallback = fallback || jsonb_build_object('status', $2::text, 'at', ${NOW_ISO}),
              fallback_retry_at = NULL, updated_at = now()
        WHERE id = $1 RETURNING *`,
      [messageId, status],
    );
    if (rows[0][0]) await this.announce(manager, rows[0][0]);
  }

  /** Publishes the message as it is now (after the transaction commits). */
  async announce(
    manager: EntityManager,
    message: MessageRow,
    cause?: EventEnvelope,
  ): Promise<void> {
    await this.outbox.add(
      manager,
      SmsStatusChanged,
      createEnvelope(SmsStatusChanged, snapshot(message), { cause }),
    );
  }

  /** Many messages at once (a bulk's undeliverable ones), with one statement. */
  async announceMany(manager: EntityManager, messages: MessageRow[]): Promise<void> {
    await this.outbox.addMany(
      manager,
      SmsStatusChanged,
      messages.map((message) => createEnvelope(SmsStatusChanged, snapshot(message))),
    );
  }
}

function snapshot(message: MessageRow) {
  return {
    messageId: message.id,
    direction: message.direction,
    studentId: message.student_id,
    staffId: message.staff_id,
    from: message.from_phone,
    to: message.to_phone,
    status: message.status,
    errorCode: message.error_code,
    twilioSid: message.twilio_sid,
    fallback: message.fallback,
    bulkId: message.bulk_id,
    segments: message.segments,
    changedAt: message.updated_at.toISOString(),
  };
}
