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
 * Step two: the staff member who held the `To` number when the message arrived (or nobody), and
 * since when, for
 * the messages that waited together at once; writes nothing, publishes what it derived.
 */
@Injectable()
export class RouteToHolderUseCase {
  constructor(private readonly holders: NumberHolders) {}

  async execute(
    events: EventEnvelope<StudentResolvedPayload>[],
    manager: EntityManager,
  ): Promise<Derived[]> {
    const holdings = await this.holders.holdingsAt(
      events.map(({ payload }) => ({
        phoneNumber: payload.sms.to,
        at: new Date(payload.sms.receivedAt),
      })),
      manager,
    );
    return events.map((event, index) => {
      const { sms, studentId, candidateStudentIds } = event.payload;
      const holding = holdings[index];
      const payload = {
        sms,
        studentId,
        candidateStudentIds,
        staffId: holding?.staffId ?? null,
        heldSince: holding?.since.toISOString() ?? null,
      };
      return { definition: SmsRouted, event: deriveEnvelope(SmsRouted, payload, event) };
    });
  }
}
