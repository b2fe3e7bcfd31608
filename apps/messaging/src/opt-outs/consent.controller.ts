import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  DecideOptOut,
  DecideOptOutRequest,
  StaffOptOut,
  StaffOptOutRequest,
  StudentConsent,
  StudentConsentRequest,
} from '@fidelis/contracts';
import { OnRequest } from '@fidelis/runtime';
import { DecideOptOutUseCase } from './decide-opt-out.use-case';
import { OptOuts } from './opt-outs';
import { StaffOptOutUseCase } from './staff-opt-out.use-case';

/** Staff decisions on possible opt-outs, opt-outs asked for some other way, consent history. */
@Controller()
export class ConsentController {
  constructor(
    private readonly decideOptOut: DecideOptOutUseCase,
    private readonly optOuts: OptOuts,
    private readonly staffOptOut: StaffOptOutUseCase,
  ) {}

  @OnRequest(StaffOptOut)
  optOut(@Payload() request: StaffOptOutRequest) {
    return this.staffOptOut.execute(request);
  }

  @OnRequest(DecideOptOut)
  decide(@Payload() request: DecideOptOutRequest) {
    return this.decideOptOut.execute(request);
  }

  /** The gateway asked the directory first: the student exists, and `smsPhone` is theirs now. */
  @OnRequest(StudentConsent)
  consent(@Payload() request: StudentConsentRequest) {
    return this.optOuts.history(request.studentId, request.smsPhone ?? null);
  }
}
