import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { EMULATOR_ACCOUNT_SID, twilioSignature } from '@fidelis/twilio';
import { DashboardStream } from './event-stream';
import {
  drive,
  LoadOptions,
  LoadResult,
  percentile,
  populate,
  Population,
  request,
  runId,
  sleep,
} from './support';
import { BenchSystem, waitForQuiet } from './system';

const WEBHOOK_PATH = '/webhooks/twilio/sms';
const quick = process.env.BENCH_QUICK === '1';

/** How many webhooks, how fast: `BENCH_INBOUND_N`, `BENCH_INBOUND_RATE`, `BENCH_INBOUND_CONCURRENCY`. */
export const inboundSettings = {
  staff: Number(process.env.BENCH_INBOUND_STAFF ?? 20),
  students: Number(process.env.BENCH_INBOUND_STUDENTS ?? 2_000),
  /** Webhooks of the throughput run. */
  count: Number(process.env.BENCH_INBOUND_N ?? (quick ? 2_000 : 20_000)),
  /** Webhooks of the paced (latency) run. */
  pacedCount: Number(process.env.BENCH_INBOUND_PACED_N ?? (quick ? 1_000 : 6_000)),
  /**
   * Webhooks sent at the paced rate before it is measured, so that it measures the system warm
   * (code compiled by V8, pools and connections open) rather than its first seconds.
   */
  warmUpCount: Number(process.env.BENCH_INBOUND_WARMUP_N ?? (quick ? 500 : 2_000)),
  rate: Number(process.env.BENCH_INBOUND_RATE ?? 200),
  concurrency: Number(process.env.BENCH_INBOUND_CONCURRENCY ?? 64),
};

/** A webhook ready to send: its form, its signature, who should be told. */
export interface PreparedWebhook {
  messageSid: string;
  body: string;
  signature: string;
  holder: string;
  studentId: string;
}

/** The form Twilio posts for an inbound SMS (the fields and order of the emulator's), signed. */
export function prepareWebhooks(
  system: BenchSystem,
  population: Population,
  count: number,
  tag: string,
): PreparedWebhook[] {
  const url = `${system.publicBaseUrl}${WEBHOOK_PATH}`;
  return Array.from({ length: count }, (_, i) => {
    const student = population.students[i % population.students.length];
    const holder = population.staff[i % population.staff.length];
    const messageSid = `SM${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      ToCountry: 'US',
      ToState: '',
      SmsMessageSid: messageSid,
      NumMedia: '0',
      ToCity: '',
      FromZip: '',
      SmsSid: messageSid,
      FromState: '',
      SmsStatus: 'received',
      FromCity: '',
      Body: `Bench ${tag} message ${i}: is the homework due tomorrow?`,
      FromCountry: 'US',
      To: holder.phoneNumber,
      ToZip: '',
      NumSegments: '1',
      MessageSid: messageSid,
      AccountSid: EMULATOR_ACCOUNT_SID,
      From: student.phone,
      ApiVersion: '2010-04-01',
    };
    return {
      messageSid,
      body: new URLSearchParams(params).toString(),
      signature: twilioSignature(system.twilioAuthToken, url, params),
      holder: holder.id,
      studentId: student.id,
    };
  });
}

/** Sends the prepared webhooks to `url` (the gateway, or the ceiling's bare server). */
export function sendWebhooks(
  url: string,
  webhooks: PreparedWebhook[],
  options: LoadOptions,
): Promise<LoadResult> {
  return drive(webhooks.length, options, async (i) => {
    const answer = await request(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': webhooks[i].signature,
      },
      body: webhooks[i].body,
    });
    return answer.status;
  });
}

/** Waits until `done()` or until nothing progressed for `idleMs`. */
export async function waitFor(
  progress: () => number,
  total: number,
  idleMs = 30_000,
): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const now = progress();
    if (now >= total) return;
    if (now !== last) {
      last = now;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > idleMs) return;
    await sleep(100);
  }
}

let population: Promise<Population> | undefined;

/** One population for every inbound run of this process: staff with numbers, students with phones. */
function inboundPopulation(system: BenchSystem): Promise<Population> {
  population ??= populate(
    system,
    `bench-in-${runId()}`,
    inboundSettings.staff,
    inboundSettings.students,
  );
  return population;
}

export interface InboundRun {
  mode: string;
  webhooks: number;
  concurrency: number;
  rate: number | null;
  answered: Record<string, number>;
  webhookMs: { p50: number | null; p99: number | null; max: number | null };
  endToEndMs: { p50: number | null; p99: number | null; max: number | null };
  /** Webhooks answered per second while sending. */
  acceptedPerSecond: number;
  /** Messages stored and announced per second, first webhook to last `sms.received`. */
  deliveredPerSecond: number;
  seconds: number;
  storedOnce: number;
  storedMissing: number;
  storedMoreThanOnce: number;
  storedWithWrongAttribution: number;
  announcedOnce: number;
  announcedMissing: number;
  announcedMoreThanOnce: number;
  announcedToWrongStream: number;
  /** CPU milliseconds per message, by process, from the first webhook until every queue was empty. */
  cpuMsPerMessage: Record<string, number>;
}

/** One inbound run: webhooks at `options` with every holder's dashboard connected, then the checks. */
export async function inboundRun(
  system: BenchSystem,
  mode: string,
  count: number,
  options: LoadOptions,
): Promise<InboundRun> {
  const people = await inboundPopulation(system);
  await waitForQuiet(system.rabbitmqUrl);
  const streams = new Map<string, DashboardStream>();
  for (const { id } of people.staff) {
    streams.set(
      id,
      await DashboardStream.open(`${system.url}/api/events`, system.token(id, 'coach'), id),
    );
  }
  try {
    const webhooks = prepareWebhooks(system, people, count, mode);
    const cpuBefore = system.cpu();
    const load = await sendWebhooks(`${system.url}${WEBHOOK_PATH}`, webhooks, options);
    const total = () => [...streams.values()].reduce((sum, s) => sum + s.received, 0);
    await waitFor(total, count);
    await waitForQuiet(system.rabbitmqUrl);
    const cpuAfter = system.cpu();
    const cpuMsPerMessage = Object.fromEntries(
      Object.entries(cpuAfter).map(([name, seconds]) => [
        name,
        Math.round(((seconds - (cpuBefore[name] ?? 0)) * 1_000 * 100) / count) / 100,
      ]),
    );

    const endToEnd: number[] = [];
    let lastSeen = load.endedAt;
    let announcedOnce = 0;
    let announcedMissing = 0;
    let announcedMoreThanOnce = 0;
    let announcedToWrongStream = 0;
    webhooks.forEach((webhook, i) => {
      const own = streams.get(webhook.holder)?.seen.get(webhook.messageSid) ?? [];
      for (const [staffId, stream] of streams) {
        if (staffId !== webhook.holder && stream.seen.has(webhook.messageSid))
          announcedToWrongStream += 1;
      }
      if (own.length === 0) announcedMissing += 1;
      else if (own.length > 1) announcedMoreThanOnce += 1;
      else announcedOnce += 1;
      if (own.length > 0) {
        endToEnd.push(own[0].at - load.sentAt[i]);
        lastSeen = Math.max(lastSeen, own[0].at);
      }
    });

    const db = new Pool({ connectionString: system.databaseUrl, max: 1 });
    const stored = new Map<
      string,
      { n: number; staffId: string | null; studentId: string | null }
    >();
    try {
      const { rows } = await db.query<{
        sid: string;
        n: number;
        staff_id: string | null;
        student_id: string | null;
      }>(
        `SELECT twilio_sid AS sid, count(*)::int AS n, min(staff_id) AS staff_id,
                min(student_id) AS student_id
           FROM messaging.messages WHERE twilio_sid = ANY($1::text[]) GROUP BY twilio_sid`,
        [webhooks.map((w) => w.messageSid)],
      );
      for (const row of rows)
        stored.set(row.sid, { n: row.n, staffId: row.staff_id, studentId: row.student_id });
    } finally {
      await db.end();
    }
    let storedOnce = 0;
    let storedMissing = 0;
    let storedMoreThanOnce = 0;
    let storedWithWrongAttribution = 0;
    for (const webhook of webhooks) {
      const row = stored.get(webhook.messageSid);
      if (!row) storedMissing += 1;
      else if (row.n > 1) storedMoreThanOnce += 1;
      else storedOnce += 1;
      if (row && (row.staffId !== webhook.holder || row.studentId !== webhook.studentId))
        storedWithWrongAttribution += 1;
    }

    const answered = Array.from(load.latencyMs);
    const sendSeconds = (load.endedAt - load.startedAt) / 1000;
    const allSeconds = (lastSeen - load.startedAt) / 1000;
    return {
      mode,
      webhooks: count,
      concurrency: options.concurrency,
      rate: options.rate ?? null,
      answered: load.statuses,
      webhookMs: {
        p50: percentile(answered, 0.5),
        p99: percentile(answered, 0.99),
        max: percentile(answered, 1),
      },
      endToEndMs: {
        p50: percentile(endToEnd, 0.5),
        p99: percentile(endToEnd, 0.99),
        max: percentile(endToEnd, 1),
      },
      acceptedPerSecond: Math.round((load.statuses['200'] ?? 0) / sendSeconds),
      deliveredPerSecond: Math.round(announcedOnce / allSeconds),
      seconds: Math.round(allSeconds * 10) / 10,
      storedOnce,
      storedMissing,
      storedMoreThanOnce,
      storedWithWrongAttribution,
      announcedOnce,
      announcedMissing,
      announcedMoreThanOnce,
      announcedToWrongStream,
      cpuMsPerMessage,
    };
  } finally {
    for (const stream of streams.values()) stream.close();
  }
}

/** The throughput run's result, for the ceiling's ratio when both parts run in one process. */
export let lastThroughputRun: InboundRun | undefined;

/**
 * Part `inbound`: a paced run at `BENCH_INBOUND_RATE` (200/s: the latency targets) and a run at
 * `BENCH_INBOUND_CONCURRENCY` webhooks in flight with no pacing (the throughput target).
 */
export async function benchInbound(system: BenchSystem): Promise<object> {
  const s = inboundSettings;
  const warmUp =
    s.warmUpCount > 0
      ? await inboundRun(system, 'warm-up', s.warmUpCount, { rate: s.rate, concurrency: 256 })
      : undefined;
  const paced = await inboundRun(system, 'paced', s.pacedCount, {
    rate: s.rate,
    concurrency: 256,
  });
  const max = await inboundRun(system, 'max', s.count, { concurrency: s.concurrency });
  lastThroughputRun = max;
  const lossless = (run: InboundRun) =>
    run.storedOnce === run.webhooks &&
    run.announcedOnce === run.webhooks &&
    run.announcedToWrongStream === 0 &&
    run.storedWithWrongAttribution === 0;
  return {
    part: 'inbound',
    staff: s.staff,
    students: s.students,
    warmUp: warmUp && {
      webhooks: warmUp.webhooks,
      webhookMs: warmUp.webhookMs,
      endToEndMs: warmUp.endToEndMs,
      storedOnce: warmUp.storedOnce,
      announcedOnce: warmUp.announcedOnce,
    },
    paced,
    max,
    targets: {
      pacedWebhookP99Le50Ms: (paced.webhookMs.p99 ?? Infinity) <= 50,
      pacedEndToEndP99Le150Ms: (paced.endToEndMs.p99 ?? Infinity) <= 150,
      maxDeliveredGe1000PerSecond: max.deliveredPerSecond >= 1_000,
      nothingLostOrDoubled: (!warmUp || lossless(warmUp)) && lossless(paced) && lossless(max),
    },
    memory: system.memory(),
  };
}
