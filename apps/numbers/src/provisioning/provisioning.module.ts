import { Module } from '@nestjs/common';
import { NumberTables1764240000400 } from '../migrations/1764240000400-number-tables';
import { AssignNumberUseCase } from './assign-number.use-case';
import { BuyNumberUseCase } from './buy-number.use-case';
import { ListNumbersUseCase } from './list-numbers.use-case';
import { NumberAssignment } from './number-assignment.entity';
import { NumberHistoryUseCase } from './number-history.use-case';
import { NumberLedger } from './number-ledger';
import { NumberOfStaffUseCase } from './number-of-staff.use-case';
import { PhoneNumber } from './phone-number.entity';
import { ProvisioningController } from './provisioning.controller';
import { ReleaseNumberUseCase } from './release-number.use-case';
import { SearchAvailableNumbersUseCase } from './search-available-numbers.use-case';
import { TwilioNumbersClient } from './twilio-numbers.client';
import { UnassignNumberUseCase } from './unassign-number.use-case';

/** Twilio numbers: search, buy, assign, unassign, release, history. */
@Module({
  controllers: [ProvisioningController],
  providers: [
    TwilioNumbersClient,
    NumberLedger,
    SearchAvailableNumbersUseCase,
    BuyNumberUseCase,
    ListNumbersUseCase,
    AssignNumberUseCase,
    UnassignNumberUseCase,
    ReleaseNumberUseCase,
    NumberHistoryUseCase,
    NumberOfStaffUseCase,
  ],
})
export class ProvisioningModule {}

/** After the directory's (DirectoryTables1764240000300): assignments refer to numbers.staff. */
export const PROVISIONING_MIGRATIONS: (new () => unknown)[] = [NumberTables1764240000400];
export const PROVISIONING_ENTITIES: (new () => unknown)[] = [PhoneNumber, NumberAssignment];
