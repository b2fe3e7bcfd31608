import { Batches } from './batches';

/** Batches over `work` whose first batch waits for `release()`, so that later items queue up. */
function withFirstBatchHeld<R>(work: (items: number[]) => R[], maxBatch?: number) {
  const seen: number[][] = [];
  let release!: () => void;
  const firstHeld = new Promise<void>((resolve) => (release = resolve));
  const batches = new Batches<number, R>(async (items) => {
    seen.push(items);
    if (seen.length === 1) await firstHeld;
    return work(items);
  }, maxBatch);
  return { batches, seen, release };
}

describe('Batches', () => {
  it('works on an item alone at once when idle, and on what arrived meanwhile together', async () => {
    const { batches, seen, release } = withFirstBatchHeld((items) => items.map((n) => n * 10), 3);

    const first = batches.submit(1);
    const later = [2, 3, 4, 5].map((item) => batches.submit(item));
    release();

    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40, 50]);
    expect(seen).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('works on each item of a failed batch alone, so that only the failing one is rejected', async () => {
    const { batches, seen, release } = withFirstBatchHeld((items) => {
      if (items.includes(3)) throw new Error('3 is broken');
      return items.map(String);
    });

    const first = batches.submit(1);
    const results = Promise.allSettled([2, 3, 4].map((item) => batches.submit(item)));
    release();

    expect(await first).toBe('1');
    const [two, three, four] = await results;
    expect(two).toEqual({ status: 'fulfilled', value: '2' });
    expect(three).toMatchObject({ status: 'rejected', reason: new Error('3 is broken') });
    expect(four).toEqual({ status: 'fulfilled', value: '4' });
    expect(seen).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('rejects a whole batch at once when the database could not be reached: alone, each would fail the same way', async () => {
    const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const { batches, seen, release } = withFirstBatchHeld((items) => {
      if (items.length > 1) throw unreachable;
      return items.map(String);
    });

    const first = batches.submit(1);
    const results = Promise.allSettled([2, 3, 4].map((item) => batches.submit(item)));
    release();

    expect(await first).toBe('1');
    expect(await results).toEqual(
      [2, 3, 4].map(() => ({ status: 'rejected', reason: unreachable })),
    );
    expect(seen).toEqual([[1], [2, 3, 4]]);
  });
});
