import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json, NextFunction, Request, Response, Router, text, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import { connectBroker } from '@fidelis/runtime';
import { GatewayConfig } from './config';
import { serveDashboard } from './dashboard/serve-dashboard';
import { GatewayModule } from './gateway.module';
import { acceptOnly } from './http/accept-only.middleware';
import { secureAndCompress } from './http/security';

/** Twilio's webhooks are a few kilobytes; anything much larger is not one. */
const FORM_LIMIT = '64kb';
/** A 10,000-student import is about 1.5 MB of JSON, and less as CSV. */
const JSON_LIMIT = '4mb';
/** The one address that also takes CSV: a roster exported from a spreadsheet. */
const CSV_IMPORT_PATH = '/students/import';

/**
 * Connections waiting to be accepted. Node's default (511) overflows when webhooks arrive in a
 * burst (Twilio retrying after an outage) while the gateway is busy; the kernel then drops the
 * connection attempt, and the sender tries again only after 1, 2, 4, 8 s — past Twilio's 15 s. The
 * kernel caps it at `net.core.somaxconn` (4096 by default).
 */
const ACCEPT_BACKLOG = 4096;

/**
 * Starts taking work from the broker (its event and request handlers, and its own requests'
 * answers), then accepting HTTP requests on `port` (every interface, or `host`).
 */
export async function listenGateway(
  app: INestApplication,
  port: number,
  host?: string,
): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
  // Nest hands its arguments on to Node's `server.listen(port[, host][, backlog])`; its types
  // only name the host.
  const listen = app.listen.bind(app) as (port: number, ...rest: unknown[]) => Promise<unknown>;
  await (host === undefined ? listen(port, ACCEPT_BACKLOG) : listen(port, host, ACCEPT_BACKLOG));
}

/** The gateway application, configured as in production (also used by the tests). */
export async function createGateway(config: GatewayConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  secureAndCompress(app);
  // Each part of the gateway parses the media types it speaks (before Nest's routes run).
  const jsonBody = Router().use(acceptOnly('application/json'), json({ limit: JSON_LIMIT }));
  const jsonOrCsvBody = Router().use(
    acceptOnly('application/json', 'text/csv'),
    json({ limit: JSON_LIMIT }),
    text({ type: 'text/csv', limit: JSON_LIMIT }),
  );
  app.use('/api', (request: Request, response: Response, next: NextFunction) =>
    (request.path === CSV_IMPORT_PATH ? jsonOrCsvBody : jsonBody)(request, response, next),
  );
  app.use(
    '/webhooks',
    acceptOnly('application/x-www-form-urlencoded'),
    urlencoded({ limit: FORM_LIMIT, extended: false }),
  );
  serveDashboard(app, config.DASHBOARD_DIR);
  connectBroker(app);
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Fidelis SMS gateway')
      .setDescription('REST API of the dashboard and Twilio webhooks')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
