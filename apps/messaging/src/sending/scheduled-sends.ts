import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { logger } from '@fidelis/logging';
import { UnitOfWork } from '@fidelis/runtime';
import { FallbackMailer } from '../fallback/fallback-mailer';
import { MessageStore } from '../messages/message-store';
import { NumberHolders } from '../number-holders/number-holders';
import { OptOuts } from '../opt-outs/opt-outs';
import { QuietHours } from './quiet-hours';
import { PRIORITY, SendQueue } from './send-queue';
import { SendWorker } from './send-worker';
import { WakeableSleep } from './wakeable-sleep';

/** How often due messages are looked for; a scheduled message goes at most this late. */
const POLL_MS = 1_000;
/** Due messages released per transaction. */
const BATCH = 500;

interface DueMessage {
  id: string;
  staff_id: string;
  bulk_id: string | null;
  sms_phone: string | null;
  timezone: string | null;
}

/**
 * Releases scheduled messages when their `send_at` comes: each is checked again as it goes —
 * the student's quiet hours (their time zone may have changed), their SMS phone and opt-out for
 * the sender's number now — and then queued for the send worker, which paces it like any other,
 * or handed to email. The messages are rows, so they survive restarts; a row is released in the
 * transaction that locks it (`SKIP LOCKED`), so each goes once however many instances run.
 */
@Injectable()
export class ScheduledSends implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = logger(ScheduledSends.name);
  private readonly idle = new WakeableSleep();
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly quietHours: QuietHours,
    private readonly holders: NumberHolders,
    private readonly optOuts: OptOuts,
    private readonly queue: SendQueue,
    private readonly store: MessageStore,
    private readonly worker: SendWorker,
    private readonly mailer: FallbackMailer,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.idle.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let released = 0;
      try {
        released = await this.releaseDue();
      } catch (error) {
        this.log.warn({ err: String(error) }, 'releasing scheduled messages failed; retrying');
      }
      if (released > 0) {
        this.worker.wake();
        this.mailer.wake();
      }
      if (released < BATCH) await this.idle.sleep(POLL_MS);
    }
  }

  /** Releases the messages due now (up to BATCH); how many it looked at. */
  private releaseDue(): Promise<number> {
    return this.unitOfWork.run(async (manager) => {
      const due = await manager.query<DueMessage[]>(
        `SELECT m.id, m.staff_id, m.bulk_id, s.sms_phone, s.timezone
           FROM messaging.messages m
           LEFT JOIN messaging.students s ON s.student_id = m.student_id
          WHERE m.status = 'scheduled' AND m.send_at <= now()
          ORDER BY m.send_at, m.created_at
          LIMIT $1
          FOR UPDATE OF m SKIP LOCKED`,
        [BATCH],
      );
      for (const message of due) await this.release(manager, message);
      return due.length;
    });
  }

  private async release(manager: EntityManager, message: DueMessage): Promise<void> {
    const now = new Date();
    if (message.sms_phone) {
      const morning = this.quietHours.sendAt(now, message.timezone);
      if (morning > now) {
        await manager.query('UPDATE messaging.messages SET send_at = $2 WHERE id = $1', [
          message.id,
          morning,
        ]);
        return;
      }
    }
    // From the sender's number as it is now, to the student's phone as it is now.
    const number = await this.holders.currentNumberOf(message.staff_id, manager);
    await manager.query(
      `UPDATE messaging.messages
          SET status = 'queued', from_phone = coalesce($2, from_phone), to_phone = $3,
              updated_at = now()
        WHERE id = $1`,
      [message.id, number?.phoneNumber ?? null, message.sms_phone],
    );
    const noSms = !message.sms_phone
      ? 'no-sms-phone'
      : !number
        ? 'sender-has-no-number'
        : (await this.optOuts.isOptedOut(message.sms_phone, number.phoneNumber, manager))
          ? 'opted-out'
          : null;
    if (noSms || !number) {
      await this.store.fail(manager, message.id, noSms ?? 'sender-has-no-number');
      return;
    }
    const priority = message.bulk_id ? PRIORITY.bulk : PRIORITY.oneToOne;
    await this.queue.enqueue(manager, number.phoneNumber, priority, { messageId: message.id });
  }
}
