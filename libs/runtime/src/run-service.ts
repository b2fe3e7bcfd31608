import {
  DynamicModule,
  INestApplication,
  INestApplicationContext,
  INestMicroservice,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { CONFIG_REFUSED_EXIT_CODE, ConfigError } from '@fidelis/config';
import { ServiceName } from '@fidelis/contracts';
import { rootLogger } from '@fidelis/logging';
import { BrokerTransport } from './transport/broker-transport';

/**
 * Boots a service process. A bad environment ends it with the one line that names the problem and
 * exit code 78, which a supervisor does not restart; any other failure at boot is logged and ends it
 * with 1, so a supervisor can restart it.
 */
export function runService(
  service: ServiceName,
  boot: () => Promise<INestApplicationContext>,
): void {
  process.env.FIDELIS_SERVICE = service;
  // Through a promise, so that a config refused while the module is built is handled here too.
  Promise.resolve()
    .then(boot)
    .then(
      () => rootLogger().info(`${service} started`),
      (error: unknown) => {
        const refused = error instanceof ConfigError;
        if (refused) {
          process.stderr.write(`${service}: ${error.message}\n`);
        } else {
          rootLogger().fatal({ err: error }, `${service} failed to start`);
        }
        process.exit(refused ? CONFIG_REFUSED_EXIT_CODE : 1);
      },
    );
}

/**
 * A service without HTTP: a Nest microservice over the broker (its `BrokerTransport`), with JSON
 * logs and a clean stop on SIGTERM/SIGINT. Its handlers take work once this resolves.
 */
export async function createWorker(module: DynamicModule): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module, {
    bufferLogs: true,
    inject: [BrokerTransport],
    useFactory: (strategy: BrokerTransport) => ({ strategy }),
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen();
  return app;
}

/**
 * Connects an HTTP application (the gateway) to the broker as a hybrid Nest application: its
 * `@OnEvent`/`@OnRequest` handlers are registered now and take work from `startAllMicroservices()`.
 */
export function connectBroker(app: INestApplication): void {
  app.connectMicroservice({ strategy: app.get(BrokerTransport) });
}

export function runWorker(service: ServiceName, module: () => DynamicModule): void {
  runService(service, () => createWorker(module()));
}
