import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Outbox } from '@fidelis/broker';
import {
  createEnvelope,
  EventEnvelope,
  SmsRouted,
  StudentResolvedPayload,
} from '@fidelis/contracts';
import { NumberHolders } from '../number-holders/number-holders';

/** Step two: the staff member who held the `To` number when the message arrived (or nobody). */
@Injectable()
export class RouteToHolderUseCase {
  constructor(
    private readonly holders: NumberHolders,
    private readonly outbox: Outbox,
  ) {}

  async execute(
    event: EventEnvelope<StudentResolvedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const { sms, studentId, candidateStudentIds } = event.payload;
    const staffId = await this.holders.holderAt(sms.to, new Date(sms.receivedAt), manager);
    await this.outbox.add(
      manager,
      SmsRouted,
      createEnvelope(SmsRouted, { sms, studentId, candidateStudentIds, staffId }, { cause: event }),
    );
  }
}
