import { DataSource, EntityManager } from 'typeorm';
import { EventDefinition, EventEnvelope } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { Broker } from './broker';

interface OutboxRow {
  id: string;
  routing_key: string;
  envelope: EventEnvelope;
}

/** Runs `work` in one transaction of the service's database and resolves after the commit. */
export type Transaction = <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;

/**
 * Events written in the same transaction as the work that produced them: once it commits, the
 * event is certain to reach the broker, whatever happens to the broker or to this process.
 *
 * `transaction` publishes the events its work added as soon as it commits, and the next relay pass
 * (every `pollMs`) deletes the rows the broker confirmed — one statement for every event published
 * meanwhile, instead of a transaction of the relay's own for each commit. The relay publishes
 * itself only what was left: rows older than `leftoverAfterMs` (a crash between commit and
 * publish, a broker that was down). A row published twice is harmless: consumers handle an event
 * once.
 */
export class Outbox {
  private readonly log = logger(Outbox.name);
  private readonly table: string;
  private readonly pollMs: number;
  private readonly leftoverAfterMs: number;
  private readonly batchSize: number;
  /** The rows added in each running transaction, published when it commits. */
  private readonly added = new WeakMap<EntityManager, OutboxRow[]>();
  /** Rows the broker confirmed, deleted by the next relay pass. */
  private confirmed: string[] = [];
  private readonly publishing = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly broker: Broker,
    options: { schema: string; pollMs?: number; leftoverAfterMs?: number; batchSize?: number },
  ) {
    this.table = `"${options.schema}".outbox`;
    this.pollMs = options.pollMs ?? 500;
    this.leftoverAfterMs = options.leftoverAfterMs ?? 5_000;
    this.batchSize = options.batchSize ?? 500;
  }

  /** Runs `work` in a transaction; the events it adds are published as soon as it commits. */
  readonly transaction: Transaction = async (work) => {
    const added: OutboxRow[] = [];
    const result = await this.dataSource.transaction((manager) => {
      this.added.set(manager, added);
      return work(manager);
    });
    if (added.length > 0) this.publishCommitted(added);
    return result;
  };

  /** Adds an event to the transaction of `manager`, which must come from `transaction`. */
  async add<P extends object>(
    manager: EntityManager,
    definition: EventDefinition<P>,
    event: EventEnvelope<P>,
  ): Promise<void> {
    await this.addMany(manager, definition, [event]);
  }

  /** Adds many events of one type with one statement. */
  async addMany<P extends object>(
    manager: EntityManager,
    definition: EventDefinition<P>,
    events: EventEnvelope<P>[],
  ): Promise<void> {
    const added = this.added.get(manager);
    if (!added) throw new Error('Outbox.add needs a transaction begun by Outbox.transaction');
    if (events.length === 0) return;
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO ${this.table} (routing_key, envelope)
       SELECT $1, envelope FROM unnest($2::jsonb[]) AS envelope RETURNING id`,
      [definition.routingKey, events.map((event) => JSON.stringify(event))],
    );
    rows.forEach(({ id }, index) =>
      added.push({ id, routing_key: definition.routingKey, envelope: events[index] }),
    );
  }

  /**
   * Runs one statement that adds events to this outbox — `statement` gets the outbox's table and
   * must end in `RETURNING id, routing_key, envelope` — and publishes what it added at once. One
   * statement is atomic without a transaction: a hot path that writes its own rows and their events
   * in one data-modifying `WITH` pays one round trip instead of four. Resolves with the events added.
   */
  async addByStatement(
    statement: (outboxTable: string) => string,
    parameters: unknown[],
  ): Promise<EventEnvelope[]> {
    const added = await this.dataSource.query<OutboxRow[]>(statement(this.table), parameters);
    if (added.length > 0) this.publishCommitted(added);
    return added.map((row) => row.envelope);
  }

  /** Relays every `pollMs`: deletes what was confirmed, publishes what was left. */
  start(): void {
    this.timer ??= setInterval(() => void this.relay(), this.pollMs);
  }

  /** Waits for the publishes under way, and deletes what they confirmed. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.publishing);
    await this.running;
    await this.relay();
  }

  /** Runs a relay pass, or waits for the one running; never runs two at once. */
  relay(): Promise<void> {
    this.running ??= this.relayPass().finally(() => (this.running = undefined));
    return this.running;
  }

  private publishCommitted(rows: OutboxRow[]): void {
    const publishing = this.publish(rows)
      .then(({ confirmed, failure }) => {
        this.confirmed = this.confirmed.concat(confirmed);
        if (failure) throw failure;
      })
      .catch((error: unknown) =>
        this.log.warn({ err: String(error) }, 'publish after commit failed; the relay will retry'),
      )
      .finally(() => this.publishing.delete(publishing));
    this.publishing.add(publishing);
  }

  /**
   * Publishes `rows`, `batchSize` at a time (a bulk import's thousands of events do not all wait
   * for confirms at once): the ids the broker confirmed, and the first failure if any failed.
   */
  private async publish(rows: OutboxRow[]): Promise<{ confirmed: string[]; failure?: Error }> {
    const confirmed: string[] = [];
    let failure: Error | undefined;
    for (let from = 0; from < rows.length; from += this.batchSize) {
      const chunk = rows.slice(from, from + this.batchSize);
      const results = await Promise.allSettled(
        chunk.map((row) => this.broker.publish(row.envelope, row.routing_key)),
      );
      results.forEach((result, index) => {
        if (result.status === 'fulfilled') confirmed.push(chunk[index].id);
        else failure ??= toError(result.reason);
      });
    }
    return { confirmed, failure };
  }

  private async relayPass(): Promise<void> {
    try {
      await this.deleteConfirmed();
      if (!this.broker.connected) return;
      while (await this.relayLeftovers()) {
        // keep going while full batches come
      }
    } catch (error) {
      this.log.warn({ err: String(error) }, 'outbox relay paused; will try again');
    }
  }

  /** One statement for every row published after its commit since the last pass. */
  private async deleteConfirmed(): Promise<void> {
    if (this.confirmed.length === 0) return;
    const ids = this.confirmed;
    this.confirmed = [];
    try {
      await this.deleteRows(this.dataSource.manager, ids);
    } catch (error) {
      this.confirmed = this.confirmed.concat(ids);
      throw error;
    }
  }

  /** Publishes one batch of rows left behind and deletes what the broker confirmed. */
  private async relayLeftovers(): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      // SKIP LOCKED: several instances of one service relay side by side without blocking.
      const rows = await manager.query<OutboxRow[]>(
        `SELECT id, routing_key, envelope FROM ${this.table}
         WHERE created_at < now() - $2 * interval '1 millisecond'
         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.batchSize, this.leftoverAfterMs],
      );
      if (rows.length === 0) return false;
      const { confirmed, failure } = await this.publish(rows);
      if (confirmed.length > 0) await this.deleteRows(manager, confirmed);
      if (failure) throw failure;
      return rows.length === this.batchSize;
    });
  }

  private async deleteRows(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(`DELETE FROM ${this.table} WHERE id = ANY($1::bigint[])`, [ids]);
  }
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
