import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CancelMessageRequest,
  DomainError,
  MessageView,
  ScheduledMessageView,
  SendTimeRequest,
  SendTimeView,
} from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { Student } from '../directory/student.entity';
import { MessageRow, toMessageView } from '../messages/message-row';
import { NumberHolders } from '../number-holders/number-holders';
import { isUuid } from './message-body';
import { QuietHours } from './quiet-hours';

/** When a message would go, a staff member's scheduled messages, and canceling one. */
@Injectable()
export class ScheduledMessagesQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditTrail,
    private readonly quietHours: QuietHours,
    private readonly holders: NumberHolders,
  ) {}

  /**
   * When a one-to-one message from `staffId` to the student, sent now, would go: what the
   * composer says before it is sent (the same rule as SendMessageUseCase).
   */
  async sendTime(request: SendTimeRequest): Promise<SendTimeView> {
    const student = await this.dataSource.manager.findOneBy(Student, {
      studentId: request.studentId,
    });
    if (!student) throw new DomainError('STUDENT_NOT_FOUND', `no student ${request.studentId}`);
    const number = await this.holders.currentNumberOf(request.staffId);
    const sendAt =
      number && student.smsPhone
        ? await this.quietHours.heldUntil(student.smsPhone, student.timezone, number.phoneNumber)
        : null;
    return {
      sendAt: sendAt?.toISOString() ?? null,
      timezone: this.quietHours.zoneOf(student.timezone),
    };
  }

  /** The messages `staffId` scheduled (or that wait for quiet hours to end), soonest first. */
  async of(staffId: string): Promise<ScheduledMessageView[]> {
    const rows = await this.dataSource.query<(MessageRow & { student_name: string | null })[]>(
      `SELECT m.*, s.name AS student_name
         FROM messaging.messages m
         LEFT JOIN messaging.students s ON s.student_id = m.student_id
        WHERE m.staff_id = $1 AND m.status = 'scheduled'
        ORDER BY m.send_at, m.created_at`,
      [staffId],
    );
    return rows.map((row) => ({ ...toMessageView(row), studentName: row.student_name }));
  }

  /**
   * Cancels a scheduled message of the actor's (an admin's: anyone's). Once it has gone — queued
   * for Twilio, sent, or emailed — it cannot be called back: MESSAGE_ALREADY_SENT (409).
   */
  cancel(request: CancelMessageRequest): Promise<MessageView> {
    return this.unitOfWork.run(async (manager) => {
      const [message] = isUuid(request.messageId)
        ? await manager.query<MessageRow[]>(
            'SELECT * FROM messaging.messages WHERE id = $1 FOR UPDATE',
            [request.messageId],
          )
        : [];
      const mine = message && (request.actorIsAdmin || message.staff_id === request.actorId);
      if (!mine) throw new DomainError('MESSAGE_NOT_FOUND', `no message ${request.messageId}`);
      if (message.status === 'canceled') return toMessageView(message);
      if (message.status !== 'scheduled') {
        throw new DomainError(
          'MESSAGE_ALREADY_SENT',
          `this message has already gone (${message.status}); it can no longer be canceled`,
        );
      }
      const [[canceled]] = await manager.query<[MessageRow[], number]>(
        `UPDATE messaging.messages SET status = 'canceled', updated_at = now()
          WHERE id = $1 RETURNING *`,
        [message.id],
      );
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'message.canceled',
        targetType: 'student',
        targetId: message.student_id ?? message.id,
        after: { messageId: message.id, sendAt: message.send_at?.toISOString() ?? null },
      });
      return toMessageView(canceled);
    });
  }
}
