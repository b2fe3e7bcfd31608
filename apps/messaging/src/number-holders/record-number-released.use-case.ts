import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, NumberReleasedPayload } from '@fidelis/contracts';

/**
 * Marks a number released. Its open assignment is left as it is (its NumberUnassigned closes it):
 * lookups never answer a holder after the release, even when a NumberAssigned comes in late.
 */
@Injectable()
export class RecordNumberReleasedUseCase {
  async execute(
    event: EventEnvelope<NumberReleasedPayload>,
    manager: EntityManager,
  ): Promise<void> {
    const released = event.payload;
    await manager.query(
      `INSERT INTO messaging.numbers (number_id, phone_number, released_at) VALUES ($1, $2, $3)
       ON CONFLICT (number_id) DO UPDATE SET released_at = EXCLUDED.released_at`,
      [released.numberId, released.phoneNumber, released.releasedAt],
    );
  }
}
