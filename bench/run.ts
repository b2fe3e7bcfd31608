/**
 * `npm run bench [part …]`: starts the system (or uses BENCH_URL) and measures it. Prints one JSON
 * object per part. Parts: import-students, search-messages, inbound, outbound, ceiling, dashboard,
 * rss.
 * BENCH_QUICK=1 makes inbound and ceiling small enough for development.
 */
import { benchCeiling } from './ceiling.bench';
import { benchDashboard } from './dashboard.bench';
import { benchImportStudents } from './import-students.bench';
import { benchInbound } from './inbound.bench';
import { benchOutbound } from './outbound.bench';
import { benchSearchMessages } from './search-messages.bench';
import { BenchSystem, startBenchSystem } from './system';

const PARTS: Record<string, (system: BenchSystem) => Promise<object>> = {
  'import-students': (system) => benchImportStudents(system),
  'search-messages': (system) => benchSearchMessages(system, system.databaseUrl),
  inbound: (system) => benchInbound(system),
  outbound: (system) => benchOutbound(system),
  ceiling: (system) => benchCeiling(system),
  dashboard: (system) => benchDashboard(system),
  rss: (system) => Promise.resolve(benchRss(system)),
};

/**
 * Part `rss`: the peak resident memory (VmHWM) of each process of the system so far, against
 * 200 MB for each of the five services (the emulator is listed, not judged).
 */
function benchRss(system: BenchSystem): object {
  const memory = system.memory();
  const services = Object.entries(memory).filter(([name]) => name !== 'twilio-emulator');
  return {
    part: 'rss',
    memory,
    targets: { eachServiceLe200Mb: services.every(([, { peakMb }]) => peakMb <= 200) },
  };
}

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
