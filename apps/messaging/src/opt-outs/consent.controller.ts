import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  DecideOptOut,
  DecideOptOutRequest,
  StudentConsent,
  StudentConsentRequest,
} from '@fidelis/contracts';
import { OnRequest } from '@fidelis/runtime';
import { DecideOptOutUseCase } from './decide-opt-out.use-case';
import { OptOuts } from './opt-outs';

/** Staff decisions on possible opt-outs, and a student's consent history. */
@Controller()
export class ConsentController {
  constructor(
    private readonly decideOptOut: DecideOptOutUseCase,
    private readonly optOuts: OptOuts,
  ) {}

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
