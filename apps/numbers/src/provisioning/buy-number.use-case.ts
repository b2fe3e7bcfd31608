import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BuyNumberRequest, DomainError, NumberView } from '@fidelis/contracts';
import { logger, maskPhone } from '@fidelis/logging';
import { parsePhone } from '@fidelis/phone';
import { AuditTrail, UnitOfWork } from '@fidelis/runtime';
import { NUMBERS_CONFIG, NumbersConfig } from '../config';
import { NumberLedger, violated } from './number-ledger';
import { numberView, PhoneNumber } from './phone-number.entity';
import { BoughtNumber, TwilioNumbersClient } from './twilio-numbers.client';

/** Name given in migration NumberTables1764240000400. */
const ONE_ACTIVE_RECORD_PER_PHONE_NUMBER = 'phone_numbers_active_phone_number';

/**
 * Buys a number at Twilio with its SMS webhook pointing at the gateway, records it, and gives it
 * to a staff member when one is named. Refusals that need no Twilio come first; a number bought
 * but not recorded is released at Twilio again, so a failed purchase leaves nothing behind.
 */
@Injectable()
export class BuyNumberUseCase {
  private readonly log = logger(BuyNumberUseCase.name);

  constructor(
    @Inject(NUMBERS_CONFIG) private readonly config: NumbersConfig,
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly ledger: NumberLedger,
    private readonly twilio: TwilioNumbersClient,
    private readonly audit: AuditTrail,
  ) {}

  async execute(request: BuyNumberRequest): Promise<NumberView> {
    const wanted = this.wanted(request);
    if (request.staffId) await this.ledger.assertCanHold(this.dataSource.manager, request.staffId);

    const bought = await this.twilio.buy({
      ...wanted,
      smsUrl: `${this.config.PUBLIC_BASE_URL}/webhooks/twilio/sms`,
    });
    try {
      return await this.record(request, bought);
    } catch (error) {
      await this.giveBack(bought, error);
      throw error;
    }
  }

  /** Exactly one of `phoneNumber` (any format, read as E.164) and `areaCode`. */
  private wanted(request: BuyNumberRequest): { phoneNumber?: string; areaCode?: string } {
    const { phoneNumber, areaCode } = request;
    if ((phoneNumber === undefined) === (areaCode === undefined)) {
      throw new DomainError('INVALID_INPUT', 'give either phoneNumber or areaCode');
    }
    if (phoneNumber === undefined) return { areaCode };
    const parsed = parsePhone(phoneNumber, this.config.DEFAULT_COUNTRY);
    if (!parsed.ok) throw new DomainError('INVALID_INPUT', `phoneNumber ${parsed.reason}`);
    return { phoneNumber: parsed.e164 };
  }

  private record(request: BuyNumberRequest, bought: BoughtNumber): Promise<NumberView> {
    return this.unitOfWork.run(async (manager) => {
      const number = await this.insert(manager, bought);
      const unassigned = numberView(number, null);
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'number.bought',
        targetType: 'number',
        targetId: number.id,
        before: null,
        after: unassigned,
      });
      if (!request.staffId) return unassigned;

      const at = await this.ledger.now(manager);
      const started = await this.ledger.start(manager, number, request.staffId, at);
      const assigned = numberView(number, started);
      await this.audit.record(manager, {
        actorId: request.actorId,
        action: 'number.assigned',
        targetType: 'number',
        targetId: number.id,
        before: unassigned,
        after: assigned,
      });
      return assigned;
    });
  }

  private async insert(manager: EntityManager, bought: BoughtNumber): Promise<PhoneNumber> {
    try {
      return await manager.save(
        manager.create(PhoneNumber, {
          phoneNumber: bought.phoneNumber,
          twilioSid: bought.twilioSid,
          status: 'active',
          releasedAt: null,
        }),
      );
    } catch (error) {
      if (violated(error, '23505') === ONE_ACTIVE_RECORD_PER_PHONE_NUMBER) {
        // Only when the number left our account outside Fidelis and Twilio sold it to us again:
        // releasing the stale record (Twilio no longer knows its sid) clears the way.
        const stale = await this.dataSource.manager.findOneBy(PhoneNumber, {
          phoneNumber: bought.phoneNumber,
          status: 'active',
        });
        throw new DomainError(
          'NUMBER_NOT_AVAILABLE',
          `${bought.phoneNumber} is still recorded as an active number (${stale?.id ?? 'unknown id'}); release that record first`,
          { numberId: stale?.id ?? null },
        );
      }
      throw error;
    }
  }

  /** Compensates a purchase that could not be recorded. */
  private async giveBack(bought: BoughtNumber, cause: unknown): Promise<void> {
    const ids = { twilioSid: bought.twilioSid, phoneNumber: maskPhone(bought.phoneNumber) };
    this.log.warn({ ...ids, err: String(cause) }, 'bought number not recorded; releasing it');
    try {
      await this.twilio.release(bought.twilioSid);
    } catch (error) {
      this.log.error(
        { ...ids, err: String(error) },
        'could not release a number bought but not recorded; release it at Twilio by hand',
      );
    }
  }
}
