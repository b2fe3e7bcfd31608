import { Injectable } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { EntityManager } from 'typeorm';
import {
  DomainError,
  EventEnvelope,
  GetMessage,
  GetStudent,
  SmsStatusChangedPayload,
} from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { Mail, MailClient, MailNotSentError } from '@fidelis/mail';
import { BrokerClient } from '@fidelis/runtime';
import { mailFailure } from '../mail-failure';

/**
 * Tells the sender when a message of theirs can reach the student neither by SMS nor by email
 * (`undeliverable`: no SMS phone, or SMS impossible, and no email address). Once per message.
 * The text and the student's name are asked from messaging and numbers; when either no longer
 * knows them the mail goes without. Every other status change is the dashboard's business.
 */
@Injectable()
export class NotifyUndeliverableUseCase {
  private readonly log = logger(NotifyUndeliverableUseCase.name);

  constructor(
    private readonly services: BrokerClient,
    private readonly mail: MailClient,
  ) {}

  async execute(
    event: EventEnvelope<SmsStatusChangedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const message = event.payload;
    if (message.direction !== 'outbound' || message.status !== 'undeliverable') return;
    if (!message.staffId) return;
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO notification.undeliverable_notices (message_id, staff_id) VALUES ($1, $2)
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [message.messageId, message.staffId],
    );
    if (inserted.length === 0) return;
    const [staff] = await manager.query<{ email: string }[]>(
      'SELECT email FROM notification.staff WHERE staff_id = $1',
      [message.staffId],
    );
    if (!staff) throw new Error(`no email address known for staff member ${message.staffId}`);

    const body = await unlessNotFound(
      firstValueFrom(this.services.send(GetMessage, { messageId: message.messageId })),
      'MESSAGE_NOT_FOUND',
    );
    const student = message.studentId
      ? await unlessNotFound(
          firstValueFrom(this.services.send(GetStudent, { studentId: message.studentId })),
          'STUDENT_NOT_FOUND',
        )
      : null;
    const who = student?.name ?? message.studentId ?? 'a student';
    await sendMail(this.mail, {
      to: staff.email,
      subject: `Not delivered: your message to ${who}`,
      text: [
        `Your message to ${who} was not delivered: they have neither an SMS phone nor an ` +
          'email address we could send it to.',
        '',
        ...(body ? ['Your message:', '', body.body, ''] : []),
        '-- ',
        'Add a phone or an email address to their record, or reach them another way.',
      ].join('\n'),
    });
    this.log.info(
      { messageId: message.messageId, staffId: message.staffId },
      'sender told their message is undeliverable',
    );
  }
}

/** The answer, or null when the owner says it does not exist (any other failure is retried). */
async function unlessNotFound<T>(answer: Promise<T>, code: DomainError['code']): Promise<T | null> {
  try {
    return await answer;
  } catch (error) {
    if (error instanceof DomainError && error.code === code) return null;
    throw error;
  }
}

/** Sends the mail; when it does not go, tells the broker whether retrying can help. */
async function sendMail(mail: MailClient, message: Mail): Promise<void> {
  try {
    await mail.send(message);
  } catch (error) {
    throw error instanceof MailNotSentError ? mailFailure(error.kind, error.message) : error;
  }
}
