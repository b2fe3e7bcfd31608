import { isDatabaseUnavailable } from '@fidelis/database';
import { BATCH_SIZE } from './broker';

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the items submitted while a batch is being worked on into the next batch (at most
 * `maxBatch`): idle, an item is worked on at once and alone; busy, one round trip serves many.
 * `work` answers each item of a batch in order. When a batch of several fails, each of its items
 * is worked on again alone, so that only the one that fails is rejected — unless the database
 * could not be reached: then every item would fail alone the same way, and trying costs the
 * recovering database a connection attempt per item, so the whole batch is rejected at once.
 */
export class Batches<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  private draining = false;

  constructor(
    private readonly work: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = BATCH_SIZE,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const results = await this.work(batch.map((waiting) => waiting.item));
        batch.forEach((waiting, index) => waiting.resolve(results[index]));
      } catch (error) {
        if (batch.length === 1 || isDatabaseUnavailable(error)) {
          batch.forEach((waiting) => waiting.reject(error));
          continue;
        }
        await Promise.all(
          batch.map((waiting) =>
            this.work([waiting.item]).then(([result]) => waiting.resolve(result), waiting.reject),
          ),
        );
      }
    }
    this.draining = false;
  }
}

/**
 * Submits each item to `Batches` over `work`, for work whose only answer is success: the items
 * submitted while a batch runs are worked on together, and each resolves once its batch did.
 */
export function inBatches<T>(work: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  const batches = new Batches<T, void>(async (items) => {
    await work(items);
    return items.map(() => undefined);
  });
  return (item) => batches.submit(item);
}
