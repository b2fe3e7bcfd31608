import { Injectable } from '@nestjs/common';
import { AttributeMessageRequest, DomainError, MessageView } from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { isUuid } from '../sending/message-body';
import { MessageRow, toMessageView } from './message-row';

/**
 * Staff pick which of the students sharing a phone wrote an ambiguous message: it joins that
 * student's history, and the next message from the phone to this number follows the choice
 * (the latest conversation). Only one of the message's candidates can be picked, once.
 */
@Injectable()
export class AttributeMessageUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditTrail,
  ) {}

  execute(request: AttributeMessageRequest): Promise<MessageView> {
    return this.unitOfWork.run(async (manager) => {
      const [message] = isUuid(request.messageId)
        ? await manager.query<
            (MessageRow & { ambiguous: boolean; candidate_student_ids: string[] })[]
          >('SELECT * FROM messaging.messages WHERE id = $1 FOR UPDATE', [request.messageId])
        : [];
      if (!message) throw new DomainError('MESSAGE_NOT_FOUND', `no message ${request.messageId}`);
      if (!message.ambiguous) {
        throw new DomainError(
          'MESSAGE_NOT_AMBIGUOUS',
          'this message is not waiting for anyone to pick its student',
        );
      }
      if (!message.candidate_student_ids.includes(request.studentId)) {
        throw new DomainError(
          'INVALID_INPUT',
          `studentId must be one of the students sharing the phone: ${message.candidate_student_ids.join(', ')}`,
        );
      }
      const [[updated]] = await manager.query<[MessageRow[], number]>(
        `UPDATE messaging.messages SET student_id = $2, ambiguous = false, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [message.id, request.studentId],
      );
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'message.attributed',
        targetType: 'message',
        targetId: message.id,
        before: { studentId: null, candidates: message.candidate_student_ids },
        after: { studentId: request.studentId },
      });
      return toMessageView(updated);
    });
  }
}
