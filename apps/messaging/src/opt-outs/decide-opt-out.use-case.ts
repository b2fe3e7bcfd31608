import { Injectable } from '@nestjs/common';
import { DecideOptOutRequest, DomainError, MANAGER_ROLES, MessageView } from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { POSSIBLE_OPT_OUT } from '@fidelis/sms';
import { MessageRow, toMessageView } from '../messages/message-row';
import { isUuid } from '../sending/message-body';
import { OptOuts } from './opt-outs';

/**
 * Staff decide on a message that may have asked, in its own words, to stop texting. Confirm opts
 * the phone out of the number it was sent to exactly as a STOP would (later sends go by email),
 * recorded in the consent history with the staff member and the message; dismiss clears the
 * flag. Either way it leaves Needs attention, and is audited.
 */
@Injectable()
export class DecideOptOutUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly optOuts: OptOuts,
    private readonly audit: AuditTrail,
  ) {}

  execute(request: DecideOptOutRequest): Promise<MessageView> {
    return this.unitOfWork.run(async (manager) => {
      const [message] = isUuid(request.messageId)
        ? await manager.query<(MessageRow & { flags: string[] })[]>(
            'SELECT * FROM messaging.messages WHERE id = $1 FOR UPDATE',
            [request.messageId],
          )
        : [];
      if (!message) throw new DomainError('MESSAGE_NOT_FOUND', `no message ${request.messageId}`);
      const mayDecide =
        request.actorRole === 'admin' ||
        MANAGER_ROLES.includes(request.actorRole) ||
        message.staff_id === request.actorId;
      if (!mayDecide) {
        throw new DomainError(
          'FORBIDDEN',
          'only admins, managers and the staff member the message was routed to decide on it',
        );
      }
      if (!message.flags.includes(POSSIBLE_OPT_OUT) || !message.to_phone) {
        throw new DomainError(
          'MESSAGE_NOT_FLAGGED',
          'this message is not waiting for anyone to decide whether it asked to stop',
        );
      }
      const confirmed = request.decision === 'confirm';
      if (confirmed) {
        await this.optOuts.record(manager, {
          studentPhone: message.from_phone,
          number: message.to_phone,
          optedOut: true,
          at: new Date(),
          source: { kind: 'staff', staffId: request.actorId, messageId: message.id },
        });
      }
      // A confirmed request is an opt-out message from now on, as a keyword one is.
      const [[updated]] = await manager.query<[MessageRow[], number]>(
        `UPDATE messaging.messages
            SET flags = array_remove(flags, $2),
                opt_change = CASE WHEN $3 THEN 'opted-out' ELSE opt_change END,
                updated_at = now()
          WHERE id = $1 RETURNING *`,
        [message.id, POSSIBLE_OPT_OUT, confirmed],
      );
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: confirmed ? 'message.opt-out-confirmed' : 'message.opt-out-dismissed',
        targetType: 'message',
        targetId: message.id,
        before: { flags: message.flags },
        after: confirmed
          ? { flags: updated.flags, optedOut: true, number: message.to_phone }
          : { flags: updated.flags },
      });
      return toMessageView(updated);
    });
  }
}
