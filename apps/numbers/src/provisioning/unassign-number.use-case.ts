import { Injectable } from '@nestjs/common';
import { ChangeNumberRequest, NumberView } from '@fidelis/contracts';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { NumberLedger } from './number-ledger';
import { numberView } from './phone-number.entity';

/** Takes a number from its holder; a number without a holder is returned as it is. */
@Injectable()
export class UnassignNumberUseCase {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly ledger: NumberLedger,
    private readonly audit: AuditTrail,
  ) {}

  execute(request: ChangeNumberRequest): Promise<NumberView> {
    return this.unitOfWork.run(async (manager) => {
      const number = await this.ledger.lock(manager, request.numberId);
      const current = await this.ledger.holderOf(manager, number.id);
      if (!current) return numberView(number, null);

      await this.ledger.end(manager, number, current, await this.ledger.now(manager));
      const after = numberView(number, null);
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'number.unassigned',
        targetType: 'number',
        targetId: number.id,
        before: numberView(number, current),
        after,
      });
      return after;
    });
  }
}
