import { Module } from '@nestjs/common';

/** Twilio numbers: search, buy, assign, unassign, release, history. */
@Module({})
export class ProvisioningModule {}

export const PROVISIONING_MIGRATIONS: (new () => unknown)[] = [];
export const PROVISIONING_ENTITIES: (new () => unknown)[] = [];
