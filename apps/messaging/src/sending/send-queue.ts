import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';

/** One-to-one messages go before bulk ones on the same number. */
export const PRIORITY = { oneToOne: 0, bulk: 1 } as const;

/** A job claimed for sending, with the slot of its number it may be sent at. */
export interface ClaimedSend {
  messageId: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  attempts: number;
  slot: Date;
}

/** A job whose attempt ended without an answer, or whose worker died: ask Twilio first. */
export interface UnsureSend {
  messageId: string;
  from: string;
  to: string;
  body: string;
  attemptStartedAt: Date;
}

const WINDOW_FULL_RECHECK_MS = 20;

/**
 * How many of a number's sends are in flight (claimed, Twilio not yet answered) or were answered
 * within the last second. `p` is the number's messaging.number_pacing row.
 */
const SENDS_IN_WINDOW = `(
  (SELECT count(*) FROM messaging.send_jobs s
    WHERE s.from_phone = p.phone_number AND s.state = 'sending')
  + (SELECT count(*) FROM unnest(p.recent_answers) AS answered (at)
      WHERE answered.at > clock_timestamp() - interval '1 second'))`;

/**
 * The durable queue of messages to hand to Twilio (messaging.send_jobs) and the pacing of each
 * number (messaging.number_pacing), both in Postgres so that every messaging instance shares them.
 * Numbers pace independently; for each, all instances together:
 * - take slots `spacingMs` apart, which spreads the sends evenly;
 * - start a send only while fewer than the rate are in flight or answered within the last second.
 *   That bounds what Twilio receives however long each create takes to get there: were rate + 1
 *   creates to arrive within one second, then when the last of them was claimed each other one
 *   was in flight or had been answered after it arrived — within that second — so the claim
 *   would have been refused.
 */
@Injectable()
export class SendQueue implements OnApplicationShutdown {
  /**
   * Claims, slots and heartbeats have connections of their own: their timing must not wait
   * behind the service's other work (a burst of events can hold every pooled connection).
   */
  private readonly pacing: Pool;
  /** Sends of one number that may be in flight or answered within any one second. */
  private readonly perSecond: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGING_CONFIG) config: MessagingConfig,
  ) {
    this.perSecond = Math.max(1, Math.floor(config.SEND_RATE_PER_NUMBER));
    this.pacing = new Pool({ connectionString: config.DATABASE_URL, max: 3 });
    this.pacing.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pacing.end();
  }

  private async inPacingTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pacing.connect();
    // A checked-out client has no listener of the pool's: a connection lost between two queries
    // (Postgres stopping) would be an unhandled 'error' and end the process. The next query fails
    // instead, and the broken client is discarded on release.
    let lost: Error | undefined;
    const onError = (error: Error) => (lost = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(lost);
    }
  }

  /** Queues the `queued` messages among `messageIds` (all from `from`) in one statement. */
  async enqueue(
    manager: EntityManager,
    from: string,
    priority: number,
    where: { messageId: string } | { bulkId: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO messaging.number_pacing (phone_number) VALUES ($1) ON CONFLICT DO NOTHING`,
      [from],
    );
    const [column, value] = 'bulkId' in where ? ['bulk_id', where.bulkId] : ['id', where.messageId];
    await manager.query(
      `INSERT INTO messaging.send_jobs (message_id, from_phone, priority, bulk_id)
       SELECT id, from_phone, $2, bulk_id FROM messaging.messages
        WHERE ${column} = $1 AND status = 'queued' AND direction = 'outbound'
        ORDER BY created_at, id`,
      [value, priority],
    );
  }

  /**
   * Claims the most urgent job of a number whose next slot is due within `leadMs + lookaheadMs`, records
   * the attempt (state 'sending', owned by `workerId`) and takes the slot — all in one
   * transaction, before anything is sent. The slot is at least `leadMs` ahead, so that it is not
   * past already when the answer arrives. Returns the time worth waiting when nothing is due.
   */
  async claim(
    workerId: string,
    timing: { spacingMs: number; lookaheadMs: number; leadMs: number },
  ): Promise<{ send: ClaimedSend } | { waitMs: number }> {
    return this.inPacingTransaction(async (client) => {
      const numbers = await client.query<{ phone_number: string; slot: Date }>(
        `SELECT p.phone_number,
                greatest(p.next_slot, clock_timestamp() + make_interval(secs => $2 / 1000.0)) AS slot
           FROM messaging.number_pacing p
          WHERE p.next_slot <= clock_timestamp() + make_interval(secs => ($1 + $2) / 1000.0)
            AND EXISTS (SELECT 1 FROM messaging.send_jobs j
                         WHERE j.from_phone = p.phone_number AND j.state = 'pending'
                           AND j.not_before <= now())
            AND ${SENDS_IN_WINDOW} < $3
          ORDER BY p.next_slot
          LIMIT 1
          FOR UPDATE OF p SKIP LOCKED`,
        [timing.lookaheadMs, timing.leadMs, this.perSecond],
      );
      const number = numbers.rows[0];
      if (!number) return { waitMs: await this.waitMs(client, timing.lookaheadMs) };
      // Counted again now that the number is locked: the statement above saw the other sends
      // as they were when it started, and another instance may have claimed one since.
      const window = await client.query<{ sends: string }>(
        `SELECT ${SENDS_IN_WINDOW} AS sends FROM messaging.number_pacing p
          WHERE p.phone_number = $1`,
        [number.phone_number],
      );
      if (Number(window.rows[0].sends) >= this.perSecond) return { waitMs: 5 };

      const jobs = await client.query<{
        message_id: string;
        to_phone: string;
        body: string;
        media: { url: string }[];
        attempts: number;
      }>(
        `SELECT j.message_id, m.to_phone, m.body, m.media, j.attempts
           FROM messaging.send_jobs j JOIN messaging.messages m ON m.id = j.message_id
          WHERE j.from_phone = $1 AND j.state = 'pending' AND j.not_before <= now()
          ORDER BY j.priority, j.seq
          LIMIT 1
          FOR UPDATE OF j SKIP LOCKED`,
        [number.phone_number],
      );
      const job = jobs.rows[0];
      if (!job) return { waitMs: 5 };
      await client.query(
        `UPDATE messaging.send_jobs
            SET state = 'sending', worker_id = $2, attempt_started_at = now(),
                attempts = attempts + 1
          WHERE message_id = $1`,
        [job.message_id, workerId],
      );
      await this.advance(client, number.phone_number, number.slot, timing.spacingMs);
      return {
        send: {
          messageId: job.message_id,
          from: number.phone_number,
          to: job.to_phone,
          body: job.body,
          mediaUrls: job.media.map((item) => item.url),
          attempts: job.attempts + 1,
          slot: number.slot,
        },
      };
    });
  }

  /** A new slot (at least `leadMs` ahead) for a send that missed its own. */
  async reclaimSlot(from: string, spacingMs: number, leadMs: number): Promise<Date> {
    return this.inPacingTransaction(async (client) => {
      const rows = await client.query<{ slot: Date }>(
        `SELECT greatest(next_slot, clock_timestamp() + make_interval(secs => $2 / 1000.0)) AS slot
           FROM messaging.number_pacing WHERE phone_number = $1 FOR UPDATE`,
        [from, leadMs],
      );
      await this.advance(client, from, rows.rows[0].slot, spacingMs);
      return rows.rows[0].slot;
    });
  }

  private async advance(
    client: PoolClient,
    from: string,
    slot: Date,
    spacingMs: number,
  ): Promise<void> {
    await client.query(
      `UPDATE messaging.number_pacing
          SET next_slot = $2::timestamptz + make_interval(secs => $3 / 1000.0)
        WHERE phone_number = $1`,
      [from, slot, spacingMs],
    );
  }

  /**
   * How long until some number with work has a slot due (5–250 ms). A number whose window is full
   * is looked at again in WINDOW_FULL_RECHECK_MS: an answer, here or at another instance, frees it.
   */
  private async waitMs(client: PoolClient, lookaheadMs: number): Promise<number> {
    const { rows } = await client.query<{ wait_ms: number | null }>(
      `SELECT extract(epoch FROM min(
                CASE WHEN ${SENDS_IN_WINDOW} < $1 THEN p.next_slot
                     ELSE clock_timestamp() + make_interval(secs => $2 / 1000.0)
                END) - clock_timestamp()) * 1000 AS wait_ms
         FROM messaging.number_pacing p
        WHERE EXISTS (SELECT 1 FROM messaging.send_jobs j
                       WHERE j.from_phone = p.phone_number AND j.state = 'pending'
                         AND j.not_before <= now())`,
      [this.perSecond, lookaheadMs + WINDOW_FULL_RECHECK_MS],
    );
    const wait = rows[0]?.wait_ms;
    if (wait === null || wait === undefined) return 250;
    return Math.min(250, Math.max(5, Number(wait) - lookaheadMs));
  }

  /**
   * Twilio answered a send of `from` (or the call ended without an answer: Twilio cannot receive
   * it any more). Kept with the job's change, in the same transaction, so that a claim sees
   * either the send in flight or its answer.
   */
  async recordAnswer(manager: EntityManager, from: string): Promise<void> {
    await manager.query(
      `UPDATE messaging.number_pacing
          SET recent_answers = (array_append(recent_answers, clock_timestamp()))
                                 [greatest(1, cardinality(recent_answers) + 2 - $2):]
        WHERE phone_number = $1`,
      [from, this.perSecond],
    );
  }

  /** Twilio has the message: the job is done. */
  async done(manager: EntityManager, messageId: string): Promise<void> {
    await manager.query('DELETE FROM messaging.send_jobs WHERE message_id = $1', [messageId]);
  }

  /** Back in the queue after `delayMs` (Twilio's 429), or at once (Twilio never got it). */
  async retryLater(manager: EntityManager, messageId: string, delayMs: number): Promise<void> {
    await manager.query(
      `UPDATE messaging.send_jobs
          SET state = 'pending', worker_id = NULL,
              not_before = now() + make_interval(secs => $2 / 1000.0)
        WHERE message_id = $1`,
      [messageId, delayMs],
    );
  }

  /** The attempt ended without an answer: Twilio is asked after `delayMs` before a new send. */
  async markUnsure(manager: EntityManager, messageId: string, delayMs: number): Promise<void> {
    await manager.query(
      `UPDATE messaging.send_jobs
          SET state = 'unsure', not_before = now() + make_interval(secs => $2 / 1000.0)
        WHERE message_id = $1`,
      [messageId, delayMs],
    );
  }

  /**
   * Locks (in `manager`'s transaction) one job that needs checking at Twilio: unsure and due, or
   * still 'sending' for a worker that stopped beating (a crash, a kill -9).
   */
  async lockUnsure(manager: EntityManager, staleAfterMs: number): Promise<UnsureSend | undefined> {
    const rows = await manager.query<
      {
        message_id: string;
        from_phone: string;
        to_phone: string;
        body: string;
        attempt_started_at: Date;
      }[]
    >(
      `SELECT j.message_id, j.from_phone, m.to_phone, m.body, j.attempt_started_at
         FROM messaging.send_jobs j JOIN messaging.messages m ON m.id = j.message_id
        WHERE (j.state = 'unsure' AND j.not_before <= now())
           OR (j.state = 'sending' AND NOT EXISTS (
                SELECT 1 FROM messaging.send_workers w
                 WHERE w.worker_id = j.worker_id
                   AND w.heartbeat_at > now() - make_interval(secs => $1 / 1000.0)))
           OR (j.state = 'sending' AND j.attempt_started_at < now() - interval '2 minutes')
        ORDER BY j.seq
        LIMIT 1
        FOR UPDATE OF j SKIP LOCKED`,
      [staleAfterMs],
    );
    const row = rows[0];
    return (
      row && {
        messageId: row.message_id,
        from: row.from_phone,
        to: row.to_phone,
        body: row.body,
        attemptStartedAt: row.attempt_started_at,
      }
    );
  }

  async heartbeat(workerId: string): Promise<void> {
    await this.pacing.query(
      `INSERT INTO messaging.send_workers (worker_id, heartbeat_at) VALUES ($1, now())
       ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = now()`,
      [workerId],
    );
    await this.pacing.query(
      `DELETE FROM messaging.send_workers WHERE heartbeat_at < now() - interval '1 day'`,
    );
  }

  async retire(workerId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM messaging.send_workers WHERE worker_id = $1', [
      workerId,
    ]);
  }
}
