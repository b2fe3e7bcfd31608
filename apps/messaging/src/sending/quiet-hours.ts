import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { QuietWindow } from '@fidelis/config';
import { DomainError } from '@fidelis/contracts';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';

/** A reply within this long of the student's last message to the number is a conversation. */
export const CONVERSATION_WINDOW_HOURS = 24;

/**
 * When the quiet window that holds `at` ends, in `timeZone` (the start of the student's
 * morning), or null when `at` is outside it. Wall-clock times: across a change to or from
 * daylight saving time, 08:00 is still 08:00 there.
 */
export function quietUntil(at: Date, timeZone: string, window: QuietWindow | null): Date | null {
  if (!window) return null;
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  const { startMinute, endMinute } = window;
  const quiet =
    startMinute > endMinute
      ? minute >= startMinute || minute < endMinute
      : minute >= startMinute && minute < endMinute;
  if (!quiet) return null;
  const end = local
    .startOf('day')
    .set({ hour: Math.floor(endMinute / 60), minute: endMinute % 60 });
  return (end > local ? end : end.plus({ days: 1 })).toJSDate();
}

/** The `sendAt` a request asked for, checked: a time in the future, or nothing (send now). */
export function requestedSendAt(sendAt: string | undefined, now: Date): Date | null {
  if (sendAt === undefined) return null;
  const at = new Date(sendAt);
  if (Number.isNaN(at.getTime())) {
    throw new DomainError('INVALID_INPUT', 'sendAt must be an ISO 8601 time');
  }
  if (at <= now) {
    throw new DomainError(
      'INVALID_INPUT',
      'sendAt must be in the future (leave it out to send now)',
    );
  }
  return at;
}

/**
 * Quiet hours as the messaging service applies them: no SMS reaches a student between
 * QUIET_HOURS in their time zone (their `timezone`, else DEFAULT_TIMEZONE).
 */
@Injectable()
export class QuietHours {
  constructor(
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
    private readonly dataSource: DataSource,
  ) {}

  /** The student's zone: theirs when this runtime knows it, else DEFAULT_TIMEZONE. */
  zoneOf(timezone: string | null): string {
    return timezone && DateTime.now().setZone(timezone).isValid
      ? timezone
      : this.config.DEFAULT_TIMEZONE;
  }

  /** When an SMS meant for `at` may reach the student: `at` itself, or the end of their night. */
  sendAt(at: Date, timezone: string | null): Date {
    return quietUntil(at, this.zoneOf(timezone), this.config.QUIET_HOURS) ?? at;
  }

  /**
   * Until when a one-to-one SMS to a student, asked for now, is held: the end of their night, or
   * null to send it at once — outside quiet hours, or when the student wrote to `ourNumber`
   * within the last 24 hours (a conversation in progress).
   */
  async heldUntil(
    studentPhone: string,
    timezone: string | null,
    ourNumber: string,
  ): Promise<Date | null> {
    const now = new Date();
    const morning = this.sendAt(now, timezone);
    if (morning <= now) return null;
    return (await this.inConversation(studentPhone, ourNumber)) ? null : morning;
  }

  private async inConversation(studentPhone: string, ourNumber: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM messaging.messages
        WHERE direction = 'inbound' AND from_phone = $1 AND to_phone = $2
          AND created_at > now() - make_interval(hours => $3)
        LIMIT 1`,
      [studentPhone, ourNumber, CONVERSATION_WINDOW_HOURS],
    );
    return rows.length > 0;
  }
}
