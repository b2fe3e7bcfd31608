import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import helmet from 'helmet';

/**
 * Security headers on everything the gateway serves. The content security policy allows the
 * app's own origin only: no other site's scripts, styles, fonts, frames or connections. Styles
 * may also be inline: Mantine sets style attributes and its theme's CSS variables at run time.
 */
const contentSecurityPolicy = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", 'data:'],
    manifestSrc: ["'self'"],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    workerSrc: ["'self'"],
  },
};

export function secureAndCompress(app: INestApplication): void {
  (app as NestExpressApplication).disable('x-powered-by');
  app.use(helmet({ contentSecurityPolicy }));
  // Not the live feed: its `Cache-Control: no-transform` keeps compression (which would hold
  // events back until it had enough bytes) off it.
  app.use(compression());
}
