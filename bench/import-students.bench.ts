import { randomBytes } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { BenchSystem, waitForQuiet } from './system';

const ROWS = 10_000;

/**
 * 10,000 students in one all-or-nothing import, each round once the consumers have caught up
 * with the previous round's 10,000 StudentUpserted events: as JSON, timed from request to
 * answer; and as the console imports a CSV file — the preview (`dryRun`) and then the import,
 * timed from the upload of the preview to the import's answer.
 */
export async function benchImportStudents(system: BenchSystem, rounds = 3): Promise<object> {
  const admin = `bench-admin-${randomBytes(3).toString('hex')}`;
  const authorization = `Bearer ${system.token(admin, 'admin')}`;
  await fetch(`${system.url}/api/staff/${admin}`, {
    method: 'PUT',
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Bench admin', email: `${admin}@example.edu`, role: 'admin' }),
  });
  const post = async (type: string, body: string, query = '') => {
    const response = await fetch(`${system.url}/api/students/import${query}`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': type },
      body,
    });
    if (!response.ok) throw new Error(`import failed: ${response.status} ${await response.text()}`);
  };

  const json: number[] = [];
  const csv: number[] = [];
  const csvPreview: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    await waitForQuiet(system.rabbitmqUrl);
    let started = performance.now();
    await post('application/json', JSON.stringify(roster()));
    json.push(Math.round(performance.now() - started));

    await waitForQuiet(system.rabbitmqUrl);
    const file = stringify(roster(), { header: true });
    started = performance.now();
    await post('text/csv', file, '?dryRun=true');
    csvPreview.push(Math.round(performance.now() - started));
    await post('text/csv', file);
    csv.push(Math.round(performance.now() - started));
  }
  return {
    part: 'import-students',
    rows: ROWS,
    rounds,
    jsonMs: json,
    jsonMedianMs: median(json),
    csvPreviewThenImportMs: csv,
    csvPreviewThenImportMedianMs: median(csv),
    csvPreviewMs: csvPreview,
    csvPreviewMedianMs: median(csvPreview),
  };
}

/** 10,000 new students, phones written as people write them. */
function roster() {
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  return Array.from({ length: ROWS }, (_, index) => ({
    id: `${prefix}-${index}`,
    name: `Student ${index}`,
    email: `${prefix}-${index}@example.edu`,
    smsPhone: `(415) ${String(2_000_000 + index).replace(/^(\d{3})/, '$1-')}`,
    timezone: 'America/Los_Angeles',
  }));
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}
