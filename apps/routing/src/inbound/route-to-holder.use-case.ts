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

/**
 * Step two: the staff member who held the `To` number when the message arrived (or nobody), for
 * the messages that waited together at once.
 */
@Injectable()
export class RouteToHolderUseCase {
  constructor(
    private readonly holders: NumberHolders,
    private readonly outbox: Outbox,
  ) {}

  async execute(
    events: EventEnvelope<StudentResolvedPayload>[],
    manager: EntityManager,
  ): Promise<void> {
    const staffIds = await this.holders.holdersAt(
      events.map(({ payload }) => ({
        phoneNumber: payload.sms.to,
        at: new Date(payload.sms.receivedAt),
      })),
      manager,
    );
    const routed = events.map((event, index) => {
      const { sms, studentId, candidateStudentIds } = event.payload;
      const staffId = staffIds[index];
      return createEnvelope(
        SmsRouted,
        { sms, studentId, candidateStudentIds, staffId },
        { cause: event },
      );
    });
    await this.outbox.addMany(manager, SmsRouted, routed);
  }
}
