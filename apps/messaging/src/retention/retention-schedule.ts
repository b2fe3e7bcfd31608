import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { logger } from '@fidelis/logging';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { PurgeExpiredMessagesUseCase } from './purge-expired-messages.use-case';

/** How often an instance asks whether the daily run is due. */
const CHECK_MS = 60 * 60 * 1000;

/**
 * Runs retention once a day. The last run is a row in Postgres, so a restart does not run it again
 * early, and every instance checks at start and then hourly: the first to find it due takes the
 * row's lock and runs it, the others skip (SKIP LOCKED) and then find it done.
 */
@Injectable()
export class RetentionSchedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = logger(RetentionSchedule.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly purge: PurgeExpiredMessagesUseCase,
    @Inject(MESSAGING_CONFIG) private readonly config: MessagingConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.RETENTION_DAYS === undefined) {
      this.log.info('RETENTION_DAYS is unset: message text is kept for ever');
      return;
    }
    this.check();
    this.timer = setInterval(() => this.check(), CHECK_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private check(): void {
    this.running = this.running.then(() =>
      this.purge.execute({ actorId: 'system', onlyIfDue: true }).then(
        (report) => {
          if (report) this.log.info(report, 'retention: purged message text past the cutoff');
        },
        // The next hourly check tries again.
        (error: unknown) => this.log.warn({ err: String(error) }, 'retention run failed'),
      ),
    );
  }
}
