/**
 * The ceiling of one hop on this machine, as bare as it gets (no framework, no validation, no
 * outbox): `server <port>` answers each webhook after a confirmed persistent publish to a durable
 * queue; `consumer` inserts one row per message into Postgres and acks after the insert.
 * Started by the `ceiling` part; prints `ready` once it can take work.
 */
import http from 'node:http';
import * as amqp from 'amqplib';
import { Pool } from 'pg';

/** The durable queue between the two (declared by the ceiling part). */
const CEILING_QUEUE = 'bench.ceiling';
const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

async function server(port: number): Promise<void> {
  const connection = await amqp.connect(process.env.RABBITMQ_URL ?? 'amqp://127.0.0.1', {
    timeout: 10_000,
  });
  const channel = await connection.createConfirmChannel();
  const httpServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const message = Buffer.from(
        JSON.stringify({ sid: form.MessageSid, from: form.From, to: form.To, body: form.Body }),
      );
      channel.sendToQueue(CEILING_QUEUE, message, { persistent: true }, (error) => {
        res.writeHead(error ? 503 : 200, { 'Content-Type': 'text/xml' });
        res.end(error ? '' : TWIML);
      });
    });
  });
  httpServer.keepAliveTimeout = 60_000;
  httpServer.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
}

async function consumer(): Promise<void> {
  const db = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const connection = await amqp.connect(process.env.RABBITMQ_URL ?? 'amqp://127.0.0.1', {
    timeout: 10_000,
  });
  const channel = await connection.createChannel();
  await channel.prefetch(Number(process.env.CEILING_PREFETCH ?? 100));
  await channel.consume(CEILING_QUEUE, (message) => {
    if (!message) return;
    const { sid, from, to, body } = JSON.parse(message.content.toString('utf8')) as Record<
      string,
      string
    >;
    db.query(
      `INSERT INTO bench_ceiling.messages (sid, from_phone, to_phone, body) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sid) DO NOTHING`,
      [sid, from, to, body],
    ).then(
      () => channel.ack(message),
      () => channel.nack(message),
    );
  });
  process.stdout.write('ready\n');
}

const [role, port] = process.argv.slice(2);
(role === 'server' ? server(Number(port)) : consumer()).catch((error: unknown) => {
  process.stderr.write(`ceiling ${role}: ${String(error)}\n`);
  process.exit(1);
});
