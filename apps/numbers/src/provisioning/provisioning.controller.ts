import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AssignNumber,
  AssignNumberRequest,
  BuyNumber,
  BuyNumberRequest,
  ChangeNumberRequest,
  ListNumbers,
  NumberHistory,
  NumberIdRequest,
  NumberOfStaff,
  NumberOfStaffRequest,
  ReleaseNumber,
  SearchAvailableNumbers,
  SearchAvailableNumbersRequest,
  UnassignNumber,
} from '@fidelis/contracts';
import { OnRequest } from '@fidelis/runtime';
import { AssignNumberUseCase } from './assign-number.use-case';
import { BuyNumberUseCase } from './buy-number.use-case';
import { ListNumbersUseCase } from './list-numbers.use-case';
import { NumberHistoryUseCase } from './number-history.use-case';
import { NumberOfStaffUseCase } from './number-of-staff.use-case';
import { ReleaseNumberUseCase } from './release-number.use-case';
import { SearchAvailableNumbersUseCase } from './search-available-numbers.use-case';
import { UnassignNumberUseCase } from './unassign-number.use-case';

/** The numbers' requests: Twilio's inventory, and who holds which number. */
@Controller()
export class ProvisioningController {
  constructor(
    private readonly searchAvailableNumbers: SearchAvailableNumbersUseCase,
    private readonly buyNumber: BuyNumberUseCase,
    private readonly listNumbers: ListNumbersUseCase,
    private readonly assignNumber: AssignNumberUseCase,
    private readonly unassignNumber: UnassignNumberUseCase,
    private readonly releaseNumber: ReleaseNumberUseCase,
    private readonly numberHistory: NumberHistoryUseCase,
    private readonly numberOfStaff: NumberOfStaffUseCase,
  ) {}

  @OnRequest(SearchAvailableNumbers)
  searchAvailable(@Payload() request: SearchAvailableNumbersRequest) {
    return this.searchAvailableNumbers.execute(request);
  }

  @OnRequest(BuyNumber)
  buy(@Payload() request: BuyNumberRequest) {
    return this.buyNumber.execute(request);
  }

  @OnRequest(ListNumbers)
  list() {
    return this.listNumbers.execute();
  }

  @OnRequest(AssignNumber)
  assign(@Payload() request: AssignNumberRequest) {
    return this.assignNumber.execute(request);
  }

  @OnRequest(UnassignNumber)
  unassign(@Payload() request: ChangeNumberRequest) {
    return this.unassignNumber.execute(request);
  }

  @OnRequest(ReleaseNumber)
  release(@Payload() request: ChangeNumberRequest) {
    return this.releaseNumber.execute(request);
  }

  @OnRequest(NumberHistory)
  history(@Payload() request: NumberIdRequest) {
    return this.numberHistory.execute(request);
  }

  @OnRequest(NumberOfStaff)
  ofStaff(@Payload() request: NumberOfStaffRequest) {
    return this.numberOfStaff.execute(request);
  }
}
