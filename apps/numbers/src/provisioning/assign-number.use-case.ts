import { Injectable } from '@nestjs/common';
import { AssignNumberRequest, DomainError, NumberView } from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { NumberLedger } from './number-ledger';
import { numberView } from './phone-number.entity';

/**
 * Gives a number to a staff member, taking it from its current holder if it has one: the old
 * assignment ends and the new one starts in one transaction, at the same instant.
 */
@Injectable()
export class AssignNumberUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly ledger: NumberLedger,
    private readonly audit: AuditTrail,
  ) {}

  execute(request: AssignNumberRequest): Promise<NumberView> {
    return this.unitOfWork.run(async (manager) => {
      const number = await this.ledger.lock(manager, request.numberId);
      if (number.status === 'released') {
        throw new DomainError(
          'NUMBER_RELEASED',
          `number ${number.id} was released at Twilio and cannot be assigned`,
        );
      }
      const current = await this.ledger.holderOf(manager, number.id);
      if (current?.staffId === request.staffId) return numberView(number, current);

      await this.ledger.assertCanHold(manager, request.staffId);
      const at = await this.ledger.now(manager);
      if (current) await this.ledger.end(manager, number, current, at);
      const started = await this.ledger.start(manager, number, request.staffId, at);

      const after = numberView(number, started);
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'number.assigned',
        targetType: 'number',
        targetId: number.id,
        before: numberView(number, current),
        after,
      });
      return after;
    });
  }
}
