import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { FallbackView } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { MailClient, MailNotSentError } from '@fidelis/mail';
import { UnitOfWork } from '@fidelis/runtime';
import { MessageStore } from '../messages/message-store';
import { WakeableSleep } from '../sending/wakeable-sleep';

export const MAIL_CLIENT = Symbol('MAIL_CLIENT');

const POLL_MS = 500;
const BATCH = 20;
/** The longest wait between two tries of a mail, or of an unreachable SMTP server. */
const MAX_BACKOFF_MS = 60_000;

interface PendingMail {
  id: string;
  body: string;
  fallback: FallbackView;
  fallback_attempts: number;
  staff_name: string | null;
  staff_email: string | null;
}

/**
 * Sends the email fallbacks that are pending (SMS refused, failed, undelivered, opted out or no
 * SMS phone): the message's text to the student, Reply-To the staff member. Any instance may send
 * a pending one (row locks keep two from sending the same). Nothing is given up while it may still
 * go: an unreachable SMTP server (refused, reset, timed out, 421) holds every mail back, with a
 * backoff, for as long as the outage lasts; a temporary refusal of one mail (4xx) retries that
 * mail with a backoff. Only the server's final refusal of the mail (5xx to the recipient or the
 * text) marks the fallback failed.
 */
@Injectable()
export class FallbackMailer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = logger(FallbackMailer.name);
  private readonly idle = new WakeableSleep();
  private running = false;
  private loop?: Promise<void>;
  /** Consecutive passes that found the SMTP server unreachable. */
  private outages = 0;

  constructor(
    @Inject(MAIL_CLIENT) private readonly mail: MailClient,
    private readonly unitOfWork: UnitOfWork,
    private readonly store: MessageStore,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.idle.wake();
    await this.loop;
    this.mail.close();
  }

  /** A new fallback is pending. During an outage the next try waits for its backoff all the same. */
  wake(): void {
    if (this.outages === 0) this.idle.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pass: Pass = { tried: 0 };
      try {
        pass = await this.sendBatch();
      } catch (error) {
        this.log.warn({ err: String(error) }, 'fallback mail pass failed; retrying');
      }
      if (pass.unreachable) {
        this.outages += 1;
        const retryInMs = backoffMs(this.outages);
        this.log.warn(
          { reason: pass.unreachable, outages: this.outages, retryInMs },
          'SMTP server unreachable: every fallback mail waits',
        );
        await this.idle.sleep(retryInMs);
      } else {
        if (this.outages > 0) this.log.info({ outages: this.outages }, 'SMTP server back');
        this.outages = 0;
        if (pass.tried < BATCH) await this.idle.sleep(POLL_MS);
      }
    }
  }

  private sendBatch(): Promise<Pass> {
    return this.unitOfWork.run(async (manager) => {
      const pending = await manager.query<PendingMail[]>(
        `SELECT m.id, m.body, m.fallback, m.fallback_attempts,
                st.name AS staff_name, st.email AS staff_email
           FROM messaging.messages m
           LEFT JOIN messaging.staff st ON st.staff_id = m.staff_id
          WHERE (m.fallback->>'status') = 'pending'
            AND (m.fallback_retry_at IS NULL OR m.fallback_retry_at <= now())
          ORDER BY m.created_at
          LIMIT $1
          FOR UPDATE OF m SKIP LOCKED`,
        [BATCH],
      );
      for (const message of pending) {
        try {
          await this.mail.send(fallbackMail(message));
          await this.store.settleFallback(manager, message.id, 'sent');
        } catch (error) {
          const kind = error instanceof MailNotSentError ? error.kind : 'unreachable';
          const ids = { messageId: message.id, reason: String(error) };
          if (kind === 'unreachable') {
            await manager.query(
              'UPDATE messaging.messages SET fallback_attempts = fallback_attempts + 1 WHERE id = $1',
              [message.id],
            );
            // The server, not this mail: the others would meet the same closed door.
            return { tried: pending.length, unreachable: ids.reason };
          }
          if (kind === 'refused') {
            this.log.warn(ids, 'fallback mail refused for good: fallback failed');
            await this.store.settleFallback(manager, message.id, 'failed');
            continue;
          }
          const attempts = message.fallback_attempts + 1;
          const retryInMs = backoffMs(attempts);
          this.log.warn({ ...ids, attempts, retryInMs }, 'fallback mail deferred by the server');
          await manager.query(
            `UPDATE messaging.messages
                SET fallback_attempts = $2,
                    fallback_retry_at = now() + make_interval(secs => $3)
              WHERE id = $1`,
            [message.id, attempts, retryInMs / 1000],
          );
        }
      }
      return { tried: pending.length };
    });
  }
}

interface Pass {
  tried: number;
  /** Why the SMTP server could not be reached: nothing more is tried until the backoff is over. */
  unreachable?: string;
}

/** 1 s, 2 s, 4 s … up to a minute. */
function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.min(attempts - 1, 16));
}

function fallbackMail(message: PendingMail) {
  const sender = message.staff_name ?? 'Your coach';
  return {
    to: message.fallback.to,
    replyTo: message.staff_email ?? undefined,
    subject: `A message from ${sender}`,
    text:
      `${message.body}\n\n-- \n${sender} sent you this as a text message, which could not ` +
      'reach you by SMS. Reply to this email to answer.',
  };
}
