import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { GatewayConfig } from './config';
import { GatewayModule } from './gateway.module';

/** Twilio's webhooks are a few kilobytes; anything much larger is not one. */
const FORM_LIMIT = '64kb';
/** A 10,000-student import is about 1.5 MB of JSON. */
const JSON_LIMIT = '4mb';

/** The gateway application, configured as in production (also used by the tests). */
export async function createGateway(config: GatewayConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: JSON_LIMIT });
  app.useBodyParser('urlencoded', { limit: FORM_LIMIT, extended: false });
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
