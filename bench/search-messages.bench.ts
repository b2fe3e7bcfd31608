import { Pool } from 'pg';
import { BenchSystem } from './system';

const SEEDED = 1_000_000;
const WORDS = (
  'homework essay deadline tomorrow meeting office hours question grade exam quiz project ' +
  'lecture lab report thanks sorry late absent sick schedule reschedule class chapter reading ' +
  'assignment tutor mentor coach feedback draft submit portal password login course module'
).split(' ');

/**
 * Full-text search of the global SMS tab over a million stored messages: seeds them once (SQL,
 * straight into the message store of the bench database), then times `GET /api/sms?q=` through
 * the gateway for common and rare words.
 */
export async function benchSearchMessages(
  system: BenchSystem,
  databaseUrl: string,
): Promise<object> {
  const db = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM messaging.messages WHERE correlation_id = 'bench-seed'",
    );
    const seedStarted = performance.now();
    if (rows[0].n < SEEDED) {
      await db.query(
        `INSERT INTO messaging.messages (direction, from_phone, to_phone, body, status, segments,
           encoding, correlation_id, created_at, updated_at)
         SELECT 'inbound', '+1415' || lpad((2000000 + i % 7000000)::text, 7, '0'), '+14155550000',
                (SELECT string_agg(($1::text[])[1 + ((i * 7 + w * 13) % $2)], ' ')
                   FROM generate_series(1, 12) w) || ' ' || i,
                'received', 1, 'GSM-7', 'bench-seed', now() - (i || ' seconds')::interval, now()
           FROM generate_series($3::int + 1, $4::int) i`,
        [WORDS, WORDS.length, rows[0].n, SEEDED],
      );
      await db.query('ANALYZE messaging.messages');
    }
    const seedSeconds = Math.round((performance.now() - seedStarted) / 1000);

    const token = system.token('bench-admin', 'admin');
    const time = async (q: string): Promise<number> => {
      const started = performance.now();
      const response = await fetch(`${system.url}/api/sms?q=${encodeURIComponent(q)}&limit=50`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!response.ok) throw new Error(`search failed: ${response.status}`);
      await response.json();
      return performance.now() - started;
    };
    const queries = ['homework', 'deadline tomorrow', 'password', '"office hours"', '123456'];
    const results: Record<string, number[]> = {};
    for (const q of queries) {
      await time(q); // warm
      results[q] = [];
      for (let round = 0; round < 5; round += 1) results[q].push(Math.round(await time(q)));
    }
    const all = Object.values(results)
      .flat()
      .sort((a, b) => a - b);
    return {
      part: 'search-messages',
      messages: SEEDED,
      seededSeconds: seedSeconds,
      msByQuery: results,
      p50Ms: all[Math.floor(all.length / 2)],
      maxMs: all[all.length - 1],
    };
  } finally {
    await db.end();
  }
}
