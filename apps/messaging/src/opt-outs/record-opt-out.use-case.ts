import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, SmsOptOutChangedPayload } from '@fidelis/contracts';
import { OptOuts } from './opt-outs';

/** A student texted STOP (or START) to one of our numbers: SMS from it stop (or resume). */
@Injectable()
export class RecordOptOutUseCase {
  constructor(private readonly optOuts: OptOuts) {}

  async execute(
    event: EventEnvelope<SmsOptOutChangedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const { messageSid, ...change } = event.payload;
    await this.optOuts.record(manager, { ...change, source: { kind: 'message', messageSid } });
  }
}
