import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Derived } from '@fidelis/broker';
import {
  deriveEnvelope,
  EventEnvelope,
  SmsOptOutChanged,
  SmsReceivedPayload,
  StudentResolved,
} from '@fidelis/contracts';
import { optChangeOf } from '@fidelis/sms';
import { StudentDirectory } from '../directory/student-directory';

/**
 * Step one of inbound mapping: `From` → the student(s) whose SMS phone it is. An opt-out or opt-in
 * keyword also changes the student's SMS status for the number it was sent to. Takes the messages
 * that waited together at once, with one lookup for all; writes nothing, publishes what it derived.
 */
@Injectable()
export class ResolveStudentUseCase {
  constructor(private readonly students: StudentDirectory) {}

  async execute(
    events: EventEnvelope<SmsReceivedPayload>[],
    manager: EntityManager,
  ): Promise<Derived[]> {
    const byPhone = await this.students.byPhones(
      events.map((event) => event.payload.from),
      manager,
    );
    const resolved = events.map((event) => {
      const candidates = byPhone.get(event.payload.from) ?? [];
      const payload = {
        sms: event.payload,
        studentId: candidates.length === 1 ? candidates[0] : null,
        candidateStudentIds: candidates,
      };
      return {
        definition: StudentResolved,
        event: deriveEnvelope(StudentResolved, payload, event),
      };
    });

    const optChanges = events.flatMap((event) => {
      const sms = event.payload;
      const optChange = optChangeOf(sms.body);
      if (!optChange) return [];
      const payload = {
        studentPhone: sms.from,
        number: sms.to,
        optedOut: optChange === 'opted-out',
        at: sms.receivedAt,
        messageSid: sms.messageSid,
      };
      return [
        { definition: SmsOptOutChanged, event: deriveEnvelope(SmsOptOutChanged, payload, event) },
      ];
    });
    return [...resolved, ...optChanges];
  }
}
