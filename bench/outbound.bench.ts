import { Pool } from 'pg';
import { bearer, populate, request, runId, sleep } from './support';
import { BenchSystem, waitForQuiet } from './system';

const STAFF = Number(process.env.BENCH_OUTBOUND_STAFF ?? 20);
const PER_STAFF = Number(process.env.BENCH_OUTBOUND_PER_STAFF ?? 500);

/**
 * Part `outbound`: 20 coaches, each holding a number, bulk-send to 500 students each at once
 * (10,000 recipients over 20 numbers): the time to each 202, how fast the sends leave (messages
 * handed to Twilio per second, first request to last send), and the sends counted at the emulator.
 */
export async function benchOutbound(system: BenchSystem): Promise<object> {
  const total = STAFF * PER_STAFF;
  const people = await populate(system, `bench-out-${runId()}`, STAFF, total);
  await waitForQuiet(system.rabbitmqUrl); // messaging knows every student before the bulks
  const numbers = new Set(people.staff.map((s) => s.phoneNumber));

  const started = performance.now();
  const bulks = await Promise.all(
    people.staff.map(async (staff, s) => {
      const sent = performance.now();
      const answer = await request(`${system.url}/api/messages/bulk`, {
        method: 'POST',
        headers: bearer(system, staff.id, 'coach'),
        body: JSON.stringify({
          studentIds: people.students.slice(s * PER_STAFF, (s + 1) * PER_STAFF).map((st) => st.id),
          body: 'Hi {{firstName}}, office hours move to Thursday 3pm this week.',
        }),
      });
      if (answer.status !== 202) throw new Error(`bulk: ${answer.status} ${answer.body}`);
      return {
        bulkId: (JSON.parse(answer.body) as { bulkId: string }).bulkId,
        ms: performance.now() - sent,
      };
    }),
  );
  const acceptedAt = performance.now();

  // Sends handed to Twilio (a twilio_sid recorded), polled from the message store.
  const db = new Pool({ connectionString: system.databaseUrl, max: 1 });
  const timeline: { at: number; sent: number }[] = [];
  try {
    let lastChange = performance.now();
    for (;;) {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messaging.messages
          WHERE bulk_id = ANY($1::uuid[]) AND twilio_sid IS NOT NULL`,
        [bulks.map((b) => b.bulkId)],
      );
      const now = performance.now();
      if (timeline.length === 0 || rows[0].n > timeline[timeline.length - 1].sent) lastChange = now;
      timeline.push({ at: now, sent: rows[0].n });
      if (rows[0].n >= total || now - lastChange > 60_000) break;
      await sleep(250);
    }
  } finally {
    await db.end();
  }
  const last = timeline.findIndex((t) => t.sent === timeline[timeline.length - 1].sent);
  const sentInStore = timeline[last].sent;
  const allSentAt = timeline[last].at;
  // Best one-second window of the timeline.
  let peakPerSecond = 0;
  for (let i = 0, j = 0; i < timeline.length; i += 1) {
    while (timeline[i].at - timeline[j].at > 1_000) j += 1;
    const span = (timeline[i].at - timeline[j].at) / 1000;
    if (span >= 0.5)
      peakPerSecond = Math.max(peakPerSecond, (timeline[i].sent - timeline[j].sent) / span);
  }
  // Let the last sends' HTTP calls settle, then count at Twilio's side.
  await sleep(2_000);
  const emulator = JSON.parse((await request(`${system.emulatorUrl}/_emulator/messages`)).body) as {
    messages: { from: string; to: string }[];
  };
  const ours = emulator.messages.filter((m) => numbers.has(m.from));
  const distinct = new Set(ours.map((m) => `${m.from}>${m.to}`)).size;

  const bulkMs = bulks.map((b) => Math.round(b.ms)).sort((a, b) => a - b);
  const dispatchPerSecond = Math.round(sentInStore / ((allSentAt - started) / 1000));
  return {
    part: 'outbound',
    recipients: total,
    numbers: STAFF,
    sendRatePerNumber: Number(process.env.SEND_RATE_PER_NUMBER ?? 100),
    bulkAnswerMs: {
      min: bulkMs[0],
      median: bulkMs[Math.floor(bulkMs.length / 2)],
      max: bulkMs[bulkMs.length - 1],
    },
    allAcceptedMs: Math.round(acceptedAt - started),
    allSentSeconds: Math.round((allSentAt - started) / 100) / 10,
    dispatchPerSecond,
    peakDispatchPerSecond: Math.round(peakPerSecond),
    sentInStore,
    sendsAtEmulator: ours.length,
    distinctRecipientsAtEmulator: distinct,
    targets: { exactlyAllAtEmulator: ours.length === total && distinct === total },
    memory: system.memory(),
  };
}
