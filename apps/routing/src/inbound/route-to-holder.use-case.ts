import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Derived } from '@fidelis/broker';
import {
  deriveEnvelope,
  EventEnvelope,
  SmsRouted,
  StudentResolvedPayload,
} from '@fidelis/contracts';
import { NumberHolders } from '../number-holders/number-holders';

/**
 * Step two: the staff member who held the `To` number when the message arrived (or nobody), for
 * the messages that waited together at once; writes nothing, publishes what it derived.
 */
@Injectable()
export class RouteToHolderUseCase {
  constructor(private readonly holders: NumberHolders) {}

  async execute(
    events: EventEnvelope<StudentResolvedPayload>[],
    manager: EntityManager,
  ): Promise<Derived[]> {
    const staffIds = await this.holders.holdersAt(
      events.map(({ payload }) => ({
        phoneNumber: payload.sms.to,
        at: new Date(payload.sms.receivedAt),
      })),
      manager,
    );
    return events.map((event, index) => {
      const { sms, studentId, candidateStudentIds } = event.payload;
      const payload = { sms, studentId, candidateStudentIds, staffId: staffIds[index] };
      return { definition: SmsRouted, event: deriveEnvelope(SmsRouted, payload, event) };
    });
  }
}
