import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { EMULATOR_ACCOUNT_SID, EMULATOR_AUTH_TOKEN } from '@fidelis/twilio';
import { basicAuth } from './auth';
import { API_VERSION, type EmulatorContext } from './context';
import { controlErrorHandler, controlRouter } from './control.router';
import { messagesRouter } from './messages.router';
import { phoneNumbersRouter } from './phone-numbers.router';
import { SIMULATOR_PAGE } from './simulator-page';
import { simulatorRouter } from './simulator.router';
import { EmulatorState } from './state';
import { notFoundError, twilioErrorHandler } from './twilio-error';

export interface TwilioEmulatorOptions {
  accountSid?: string;
  authToken?: string;
  /** Wait before each status callback (sent, delivered…); default 200 ms. */
  callbackDelayMs?: number;
  /** One structured entry per webhook call; silent by default. */
  log?: (entry: Record<string, unknown>) => void;
}

export interface RunningTwilioEmulator {
  /** e.g. `http://127.0.0.1:4010`: the apiBaseUrl for createTwilioClient. */
  url: string;
  close(): Promise<void>;
}

export interface TwilioEmulator {
  app: Express;
  state: EmulatorState;
  accountSid: string;
  authToken: string;
  /** Port 0 picks a free port; the returned url says which. */
  listen(port: number, host?: string): Promise<RunningTwilioEmulator>;
}

/**
 * An in-memory stand-in for Twilio's REST API (2010-04-01), plus `/_emulator` test controls and the
 * phone simulator at `/`.
 */
export function createTwilioEmulator(options: TwilioEmulatorOptions = {}): TwilioEmulator {
  const ctx: EmulatorContext = {
    accountSid: options.accountSid ?? EMULATOR_ACCOUNT_SID,
    authToken: options.authToken ?? EMULATOR_AUTH_TOKEN,
    callbackDelayMs: options.callbackDelayMs ?? 200,
    state: new EmulatorState(),
    log: options.log ?? (() => undefined),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // The phone simulator: a page of its own at the root, which Twilio's API leaves free.
  app.get('/', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(SIMULATOR_PAGE);
  });

  const control = express.Router();
  control.use(express.json());
  control.use(simulatorRouter(ctx));
  control.use(controlRouter(ctx));
  control.use(controlErrorHandler);
  app.use('/_emulator', control);

  const account = express.Router({ mergeParams: true });
  account.use(basicAuth(ctx));
  account.use(express.urlencoded({ extended: false }));
  account.use(messagesRouter(ctx));
  account.use(phoneNumbersRouter(ctx));
  app.use(`/${API_VERSION}/Accounts/:accountSid`, account);

  app.use((req) => {
    throw notFoundError(req.originalUrl.split('?')[0]);
  });
  app.use(twilioErrorHandler);

  return {
    app,
    state: ctx.state,
    accountSid: ctx.accountSid,
    authToken: ctx.authToken,
    listen: (port, host = '127.0.0.1') => listen(app, ctx, port, host),
  };
}

function listen(
  app: Express,
  ctx: EmulatorContext,
  port: number,
  host: string,
): Promise<RunningTwilioEmulator> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(port, host, (error?: Error) => {
      if (error) return reject(error);
      const address = server.address() as AddressInfo;
      const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      resolve({
        url: `http://${publicHost}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            ctx.state.clearTimers();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
