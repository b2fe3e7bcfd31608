import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { FallbackView } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { MailClient } from '@fidelis/mail';
import { UnitOfWork } from '@fidelis/runtime';
import { MessageStore } from '../messages/message-store';
import { WakeableSleep } from '../sending/wakeable-sleep';

export const MAIL_CLIENT = Symbol('MAIL_CLIENT');

const POLL_MS = 500;
const BATCH = 20;
const MAX_ATTEMPTS = 5;

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
 * a pending one (row locks keep two from sending the same); a failing SMTP server is retried with
 * a backoff, then the fallback is marked failed.
 */
@Injectable()
export class FallbackMailer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = logger(FallbackMailer.name);
  private readonly idle = new WakeableSleep();
  private running = false;
  private loop?: Promise<void>;

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

  wake(): void {
    this.idle.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.sendBatch();
      } catch (error) {
        this.log.warn({ err: String(error) }, 'fallback mail pass failed; retrying');
      }
      if (sent < BATCH) await this.idle.sleep(POLL_MS);
    }
  }

  private sendBatch(): Promise<number> {
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
          const attempts = message.fallback_attempts + 1;
          this.log.warn({ messageId: message.id, attempts, err: String(error) }, 'mail not sent');
          if (attempts >= MAX_ATTEMPTS) {
            await this.store.settleFallback(manager, message.id, 'failed');
          } else {
            await manager.query(
              `UPDATE messaging.messages
                  SET fallback_attempts = $2,
                      fallback_retry_at = now() + make_interval(secs => $3)
                WHERE id = $1`,
              [message.id, attempts, 2 ** attempts],
            );
          }
        }
      }
      return pending.length;
    });
  }
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
