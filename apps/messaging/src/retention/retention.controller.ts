import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  DomainError,
  GetLegalHold,
  LegalHoldRequest,
  LiftLegalHold,
  RunRetention,
  RunRetentionRequest,
  SetLegalHold,
  StudentLegalHoldRequest,
} from '@fidelis/contracts';
import { OnRequest } from '@fidelis/runtime';
import { DataSource } from 'typeorm';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { LegalHolds } from './legal-holds';
import { LiftLegalHoldUseCase } from './lift-legal-hold.use-case';
import { PurgeExpiredMessagesUseCase } from './purge-expired-messages.use-case';
import { SetLegalHoldUseCase } from './set-legal-hold.use-case';

/** Legal holds (admins, through the gateway) and retention run on demand (not in production). */
@Controller()
export class RetentionController {
  constructor(
    private readonly setHold: SetLegalHoldUseCase,
    private readonly liftHold: LiftLegalHoldUseCase,
    private readonly holds: LegalHolds,
    private readonly purge: PurgeExpiredMessagesUseCase,
    private readonly dataSource: DataSource,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  @OnRequest(SetLegalHold)
  set(@Payload() request: LegalHoldRequest) {
    return this.setHold.execute(request);
  }

  @OnRequest(LiftLegalHold)
  lift(@Payload() request: LegalHoldRequest) {
    return this.liftHold.execute(request);
  }

  @OnRequest(GetLegalHold)
  async get(@Payload() request: StudentLegalHoldRequest) {
    await this.holds.assertStudent(this.dataSource.manager, request.studentId);
    return this.holds.find(this.dataSource.manager, request.studentId);
  }

  @OnRequest(RunRetention)
  async run(@Payload() request: RunRetentionRequest) {
    // A clock from outside purges real data early: only where there is no real data.
    if (this.config.NODE_ENV === 'production') {
      throw new DomainError('INVALID_INPUT', 'retention runs on demand only outside production');
    }
    const report = await this.purge.execute({
      now: request.now ? new Date(request.now) : undefined,
      actorId: request.actorId,
      onlyIfDue: false,
    });
    // Only when another run holds the job right now.
    if (!report) throw new DomainError('SERVICE_UNAVAILABLE', 'retention is running: try again');
    return report;
  }
}
