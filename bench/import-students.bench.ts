import { randomBytes } from 'node:crypto';
import { BenchSystem, waitForQuiet } from './system';

/**
 * 10,000 students in one all-or-nothing import, timed from request to answer, each round once
 * the consumers have caught up with the previous round's 10,000 StudentUpserted events.
 */
export async function benchImportStudents(system: BenchSystem, rounds = 3): Promise<object> {
  const admin = `bench-admin-${randomBytes(3).toString('hex')}`;
  const headers = {
    Authorization: `Bearer ${system.token(admin, 'admin')}`,
    'Content-Type': 'application/json',
  };
  await fetch(`${system.url}/api/staff/${admin}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ name: 'Bench admin', email: `${admin}@example.edu`, role: 'admin' }),
  });
  const timings: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    await waitForQuiet(system.rabbitmqUrl);
    const prefix = `bench-${randomBytes(3).toString('hex')}`;
    const rows = Array.from({ length: 10_000 }, (_, index) => ({
      id: `${prefix}-${index}`,
      name: `Student ${index}`,
      email: `${prefix}-${index}@example.edu`,
      smsPhone: `(415) ${String(2_000_000 + index).replace(/^(\d{3})/, '$1-')}`,
      timezone: 'America/Los_Angeles',
    }));
    const started = performance.now();
    const response = await fetch(`${system.url}/api/students/import`, {
      method: 'POST',
      headers,
      body: JSON.stringify(rows),
    });
    const elapsed = performance.now() - started;
    if (!response.ok) throw new Error(`import failed: ${response.status} ${await response.text()}`);
    timings.push(Math.round(elapsed));
  }
  const sorted = [...timings].sort((a, b) => a - b);
  return {
    part: 'import-students',
    rows: 10_000,
    rounds,
    ms: timings,
    medianMs: sorted[Math.floor(rounds / 2)],
  };
}
