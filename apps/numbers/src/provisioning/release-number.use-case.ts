import { Injectable } from '@nestjs/common';
import { ChangeNumberRequest, NumberReleased, NumberView } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { NumberLedger } from './number-ledger';
import { numberView, PhoneNumber } from './phone-number.entity';
import { TwilioNumbersClient } from './twilio-numbers.client';

/**
 * Gives a number back to Twilio: its holder's assignment ends and the number is marked released,
 * keeping its row and history. Twilio is asked while the number's row is locked, so a refusal
 * changes nothing here; a number Twilio no longer has counts as released, so a retry after a
 * failed commit completes the release.
 */
@Injectable()
export class ReleaseNumberUseCase {
  private readonly log = logger(ReleaseNumberUseCase.name);

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly ledger: NumberLedger,
    private readonly twilio: TwilioNumbersClient,
    private readonly audit: AuditTrail,
  ) {}

  execute(request: ChangeNumberRequest): Promise<NumberView> {
    return this.unitOfWork.run(async (manager) => {
      const number = await this.ledger.lock(manager, request.numberId);
      if (number.status === 'released') return numberView(number, null);
      const current = await this.ledger.holderOf(manager, number.id);

      await this.twilio.release(number.twilioSid);

      const at = await this.ledger.now(manager);
      if (current) await this.ledger.end(manager, number, current, at);
      await manager.update(PhoneNumber, { id: number.id }, { status: 'released', releasedAt: at });
      const released = { ...number, status: 'released' as const, releasedAt: at };
      await this.ledger.emit(manager, NumberReleased, {
        numberId: number.id,
        phoneNumber: number.phoneNumber,
        twilioSid: number.twilioSid,
        releasedAt: at.toISOString(),
        lastStaffId: current?.staffId ?? null,
      });
      const after = numberView(released, null);
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'number.released',
        targetType: 'number',
        targetId: number.id,
        before: numberView(number, current),
        after,
      });
      this.log.info({ numberId: number.id, twilioSid: number.twilioSid }, 'number released');
      return after;
    });
  }
}
