import { Module } from '@nestjs/common';

/** Staff and students: upserts, lookups, search, bulk import. */
@Module({})
export class DirectoryModule {}

export const DIRECTORY_MIGRATIONS: (new () => unknown)[] = [];
export const DIRECTORY_ENTITIES: (new () => unknown)[] = [];
