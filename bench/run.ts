/**
 * `npm run bench [part …]`: starts the system (or uses BENCH_URL) and measures it. Prints one JSON
 * object per part. Parts: import-students.
 */
import { benchImportStudents } from './import-students.bench';
import { BenchSystem, startBenchSystem } from './system';

const PARTS: Record<string, (system: BenchSystem) => Promise<object>> = {
  'import-students': (system) => benchImportStudents(system),
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((part) => !(part in PARTS));
  if (unknown.length > 0)
    throw new Error(
      `unknown part(s): ${unknown.join(', ')}; known: ${Object.keys(PARTS).join(', ')}`,
    );
  const system = await startBenchSystem();
  try {
    for (const part of asked.length > 0 ? asked : Object.keys(PARTS)) {
      process.stdout.write(`${JSON.stringify(await PARTS[part](system))}\n`);
    }
  } finally {
    await system.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
