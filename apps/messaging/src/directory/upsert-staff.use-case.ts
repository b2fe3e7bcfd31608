import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventEnvelope, StaffUpsertedPayload } from '@fidelis/contracts';
import { DirectoryCopy } from './directory-copy';

/** Keeps messaging's copy of a staff member; an event older than the stored row changes nothing. */
@Injectable()
export class UpsertStaffUseCase {
  constructor(private readonly copy: DirectoryCopy) {}

  async execute(event: EventEnvelope<StaffUpsertedPayload>, manager: EntityManager): Promise<void> {
    await this.copy.upsertStaff(manager, { ...event.payload, updatedAt: event.occurredAt });
  }
}
