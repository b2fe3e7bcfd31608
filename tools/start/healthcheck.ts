/**
 * `node dist/tools/start/healthcheck.js <service>`: exits 0 when that service answers a ping over
 * RabbitMQ with a healthy database, 1 otherwise. The container health check of the workers.
 */
import { Broker } from '@fidelis/broker';
import { commonEnvironment, loadConfig } from '@fidelis/config';
import { ping, ServiceName, SERVICES, SUBSCRIPTIONS } from '@fidelis/contracts';

async function main(): Promise<number> {
  const service = process.argv[2] as ServiceName;
  if (!SERVICES.includes(service)) {
    process.stderr.write(`usage: healthcheck <${SERVICES.join('|')}>\n`);
    return 2;
  }
  const config = loadConfig(commonEnvironment);
  process.env.LOG_LEVEL = 'silent';
  const broker = new Broker({
    url: config.RABBITMQ_URL,
    name: `healthcheck-${service}`,
    subscriptions: Object.values(SUBSCRIPTIONS),
  });
  const timeout = setTimeout(() => process.exit(1), 10_000);
  await broker.start();
  try {
    await broker.request(ping(service), {}, 3_000);
    process.stdout.write(`${service}: ok\n`);
    return 0;
  } catch (error) {
    process.stdout.write(`${service}: ${String(error)}\n`);
    return 1;
  } finally {
    clearTimeout(timeout);
    await broker.close();
  }
}

main().then(
  (code) => process.exit(code),
  () => process.exit(1),
);
