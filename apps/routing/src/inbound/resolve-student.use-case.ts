import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Outbox } from '@fidelis/broker';
import {
  createEnvelope,
  EventEnvelope,
  SmsOptOutChanged,
  SmsReceivedPayload,
  StudentResolved,
} from '@fidelis/contracts';
import { optChangeOf } from '@fidelis/sms';
import { StudentDirectory } from '../directory/student-directory';

/**
 * Step one of inbound mapping: `From` → the student(s) whose SMS phone it is. An opt-out or opt-in
 * keyword also changes the student's SMS status for the number it was sent to.
 */
@Injectable()
export class ResolveStudentUseCase {
  constructor(
    private readonly students: StudentDirectory,
    private readonly outbox: Outbox,
  ) {}

  async execute(event: EventEnvelope<SmsReceivedPayload>, manager: EntityManager): Promise<void> {
    const sms = event.payload;
    const candidates = (await this.students.byPhone(sms.from, manager)).map((s) => s.studentId);
    await this.outbox.add(
      manager,
      StudentResolved,
      createEnvelope(
        StudentResolved,
        {
          sms,
          studentId: candidates.length === 1 ? candidates[0] : null,
          candidateStudentIds: candidates,
        },
        { cause: event },
      ),
    );
    const optChange = optChangeOf(sms.body);
    if (optChange) {
      await this.outbox.add(
        manager,
        SmsOptOutChanged,
        createEnvelope(
          SmsOptOutChanged,
          {
            studentPhone: sms.from,
            number: sms.to,
            optedOut: optChange === 'opted-out',
            at: sms.receivedAt,
          },
          { cause: event },
        ),
      );
    }
  }
}
