import { Injectable, OnModuleInit } from '@nestjs/common';
import { Broker } from '@fidelis/broker';
import {
  AssignNumber,
  BuyNumber,
  ListNumbers,
  NumberHistory,
  NumberOfStaff,
  ReleaseNumber,
  SearchAvailableNumbers,
  UnassignNumber,
} from '@fidelis/contracts';
import { AssignNumberUseCase } from './assign-number.use-case';
import { BuyNumberUseCase } from './buy-number.use-case';
import { ListNumbersUseCase } from './list-numbers.use-case';
import { NumberHistoryUseCase } from './number-history.use-case';
import { NumberOfStaffUseCase } from './number-of-staff.use-case';
import { ReleaseNumberUseCase } from './release-number.use-case';
import { SearchAvailableNumbersUseCase } from './search-available-numbers.use-case';
import { UnassignNumberUseCase } from './unassign-number.use-case';

/** Answers the numbers' requests on `rpc.numbers`; each one is validated before its use case runs. */
@Injectable()
export class ProvisioningHandlers implements OnModuleInit {
  constructor(
    private readonly broker: Broker,
    private readonly searchAvailableNumbers: SearchAvailableNumbersUseCase,
    private readonly buyNumber: BuyNumberUseCase,
    private readonly listNumbers: ListNumbersUseCase,
    private readonly assignNumber: AssignNumberUseCase,
    private readonly unassignNumber: UnassignNumberUseCase,
    private readonly releaseNumber: ReleaseNumberUseCase,
    private readonly numberHistory: NumberHistoryUseCase,
    private readonly numberOfStaff: NumberOfStaffUseCase,
  ) {}

  onModuleInit(): void {
    this.broker.handle(SearchAvailableNumbers, (request) =>
      this.searchAvailableNumbers.execute(request),
    );
    this.broker.handle(BuyNumber, (request) => this.buyNumber.execute(request));
    this.broker.handle(ListNumbers, () => this.listNumbers.execute());
    this.broker.handle(AssignNumber, (request) => this.assignNumber.execute(request));
    this.broker.handle(UnassignNumber, (request) => this.unassignNumber.execute(request));
    this.broker.handle(ReleaseNumber, (request) => this.releaseNumber.execute(request));
    this.broker.handle(NumberHistory, (request) => this.numberHistory.execute(request));
    this.broker.handle(NumberOfStaff, (request) => this.numberOfStaff.execute(request));
  }
}
