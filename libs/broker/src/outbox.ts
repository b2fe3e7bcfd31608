import { DataSource, EntityManager } from 'typeorm';
import { EventDefinition, EventEnvelope } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { Broker } from './broker';

interface OutboxRow {
  id: string;
  routing_key: string;
  envelope: EventEnvelope;
}

/**
 * Events written in the same transaction as the work that produced them, then published by a
 * relay. Once the transaction commits the event is certain to reach the broker, whatever happens
 * to the broker or to this process in between.
 */
export class Outbox {
  private readonly log = logger(Outbox.name);
  private readonly table: string;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly broker: Broker,
    options: { schema: string; pollMs?: number; batchSize?: number },
  ) {
    this.table = `"${options.schema}".outbox`;
    this.pollMs = options.pollMs ?? 500;
    this.batchSize = options.batchSize ?? 500;
  }

  /** Adds an event to the transaction of `manager`; call `flush()` after it commits. */
  async add<P extends object>(
    manager: EntityManager,
    definition: EventDefinition<P>,
    event: EventEnvelope<P>,
  ): Promise<void> {
    await manager.query(`INSERT INTO ${this.table} (routing_key, envelope) VALUES ($1, $2)`, [
      definition.routingKey,
      JSON.stringify(event),
    ]);
  }

  /** Adds many events of one type with one statement (a bulk import's events). */
  async addMany<P extends object>(
    manager: EntityManager,
    definition: EventDefinition<P>,
    events: EventEnvelope<P>[],
  ): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.table} (routing_key, envelope)
       SELECT $1, envelope FROM unnest($2::jsonb[]) AS envelope`,
      [definition.routingKey, events.map((event) => JSON.stringify(event))],
    );
  }

  /** Publishes what is waiting: at once after a commit, and every `pollMs` for what a failure left. */
  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.pollMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Starts a relay pass, or asks the running one for another round; never runs two at once. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.relay().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    return this.running;
  }

  private async relay(): Promise<void> {
    if (!this.broker.connected) return;
    try {
      while (await this.relayBatch()) {
        // keep going while full batches come
      }
    } catch (error) {
      this.log.warn({ err: String(error) }, 'outbox relay paused; will try again');
    }
  }

  /** Publishes one batch and deletes what the broker confirmed; true when more may wait. */
  private async relayBatch(): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // SKIP LOCKED: several instances of one service relay side by side without blocking.
      const rows = await manager.query<OutboxRow[]>(
        `SELECT id, routing_key, envelope FROM ${this.table}
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) return false;
      const results = await Promise.allSettled(
        rows.map((row) => this.broker.publish(row.envelope, row.routing_key)),
      );
      const published = rows.filter((_, index) => results[index].status === 'fulfilled');
      if (published.length > 0) {
        await manager.query(`DELETE FROM ${this.table} WHERE id = ANY($1::bigint[])`, [
          published.map((row) => row.id),
        ]);
      }
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
      return rows.length === this.batchSize;
    });
  }
}
