import { Router, type NextFunction, type Request, type Response } from 'express';
import type { EmulatorContext } from './context';
import { isE164 } from './formats';
import { receiveInboundSms } from './inbound-sms';
import { toMessageResource } from './messages.router';
import type { Fault, FaultKind } from './state';

/** Thrown for a malformed control request; answered 400 `{ error }`. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Test controls (JSON, no auth): inject inbound SMS, script failures and faults, inspect sends.
 * Not part of Twilio's API.
 */
export function controlRouter(ctx: EmulatorContext): Router {
  const router = Router();
  const { state } = ctx;

  router.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  router.post('/inbound', async (req, res) => {
    const input = bodyOf(req);
    const from = phone(input, 'from');
    const toNumber = phone(input, 'to');
    const body = optionalString(input, 'body') ?? '';
    const mediaUrls = stringArray(input, 'mediaUrls');
    const mediaContentTypes = stringArray(input, 'mediaContentTypes');
    const messageSid = optionalString(input, 'messageSid');
    if (messageSid !== undefined && !/^(SM|MM)[0-9a-fA-F]{32}$/.test(messageSid)) {
      throw new ControlError(400, 'messageSid must be SM or MM followed by 32 hex characters');
    }
    const to = state.findNumberByPhone(toNumber);
    if (!to) throw new ControlError(404, `${toNumber} is not a number of this account`);
    if (!to.smsUrl) throw new ControlError(409, `${toNumber} has no SmsUrl to deliver to`);
    const result = await receiveInboundSms(ctx, {
      from,
      to,
      body,
      mediaUrls,
      mediaContentTypes,
      messageSid,
    });
    res.json(result);
  });

  router.post('/destinations', (req, res) => {
    const input = bodyOf(req);
    const phoneNumber = phone(input, 'phoneNumber');
    const status = input.status;
    if (status !== 'undelivered' && status !== 'failed') {
      throw new ControlError(400, "status must be 'undelivered' or 'failed'");
    }
    const errorCode = input.errorCode ?? 30003;
    if (typeof errorCode !== 'number' || !Number.isInteger(errorCode)) {
      throw new ControlError(400, 'errorCode must be an integer');
    }
    state.failingDestinations.set(phoneNumber, { status, errorCode });
    res.status(201).json({ phoneNumber, status, errorCode });
  });

  router.post('/opt-outs', (req, res) => {
    const input = bodyOf(req);
    const from = phone(input, 'from');
    const to = phone(input, 'to');
    state.setOptOut(from, to, true);
    res.status(201).json({ from, to });
  });

  router.post('/unavailable', (req, res) => {
    const phoneNumber = phone(bodyOf(req), 'phoneNumber');
    state.unavailableNumbers.add(phoneNumber);
    res.status(201).json({ phoneNumber });
  });

  // `{ kind, count? | durationMs?, to?, …the kind's setting }`: see FaultEffect (state.ts).
  router.post('/faults', (req, res) => {
    const fault = faultOf(bodyOf(req));
    state.setFault(fault);
    res.status(201).json(fault);
  });

  // Outbound sends only (what tests count); inbound messages are in the REST list. `receivedAt`
  // (ISO 8601 with milliseconds) is when the create arrived, which `date_created` (RFC 2822) gives
  // only to the second: pacing is measured by it.
  router.get('/messages', (_req, res) => {
    res.json({
      messages: state.messages
        .filter((m) => m.direction === 'outbound-api')
        .map((m) => ({ ...toMessageResource(ctx, m), receivedAt: m.dateCreated.toISOString() })),
    });
  });

  router.post('/reset', (_req, res) => {
    state.reset();
    res.status(204).end();
  });

  router.use((req, res) => {
    res.status(404).json({ error: `No control endpoint ${req.method} ${req.originalUrl}` });
  });

  return router;
}

/** Error handler for the control routes. */
export function controlErrorHandler(
  error: unknown,
  _req: Request,
  res: Response,
  // Express recognises error handlers by their four parameters.

  _next: NextFunction,
): void {
  if (error instanceof ControlError) {
    res.status(error.status).json({ error: error.message });
    return;
  }
  const status = isHttpError(error) ? error.status : 500;
  res.status(status).json({ error: error instanceof Error ? error.message : String(error) });
}

function isHttpError(error: unknown): error is { status: number } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    typeof error.status === 'number'
  );
}

/** The one setting each fault kind takes, if any (its default, if it has one, is below). */
const FAULT_SETTINGS: Record<FaultKind, string | undefined> = {
  'rate-limit': 'retryAfterSeconds',
  unauthorized: undefined,
  'server-error': 'status',
  'drop-after-accept': undefined,
  'late-answer': 'delayMs',
  'held-queued': 'holdMs',
};
const FAULT_KINDS = Object.keys(FAULT_SETTINGS) as FaultKind[];

/** A fault from a control request: for `count` creates (default 1) or for `durationMs`. */
function faultOf(input: Record<string, unknown>): Fault {
  const kind = input.kind as FaultKind;
  if (!FAULT_KINDS.includes(kind)) {
    throw new ControlError(
      400,
      `kind must be one of ${FAULT_KINDS.map((k) => `'${k}'`).join(', ')}`,
    );
  }
  const unexpected = Object.keys(input).find(
    (name) => !['kind', 'count', 'durationMs', 'to', FAULT_SETTINGS[kind]].includes(name),
  );
  if (unexpected !== undefined) {
    const ofAnotherKind = Object.values(FAULT_SETTINGS).includes(unexpected);
    throw new ControlError(
      400,
      `unexpected field ${unexpected}${ofAnotherKind ? ` for kind '${kind}'` : ''}`,
    );
  }
  if (input.count !== undefined && input.durationMs !== undefined) {
    throw new ControlError(400, 'give count or durationMs, not both');
  }
  const to = input.to === undefined ? undefined : phone(input, 'to');
  const span =
    input.durationMs === undefined
      ? { count: nonNegativeInteger(input, 'count', 1) }
      : { until: Date.now() + positiveInteger(input, 'durationMs') };
  const scope = { ...(to === undefined ? {} : { to }), ...span };
  switch (kind) {
    case 'rate-limit':
      return {
        kind,
        retryAfterSeconds: nonNegativeInteger(input, 'retryAfterSeconds', 1),
        ...scope,
      };
    case 'server-error': {
      const status = input.status ?? 500;
      if (status !== 500 && status !== 503)
        throw new ControlError(400, 'status must be 500 or 503');
      return { kind, status, ...scope };
    }
    case 'late-answer':
      return { kind, delayMs: positiveInteger(input, 'delayMs'), ...scope };
    case 'held-queued':
      return { kind, holdMs: positiveInteger(input, 'holdMs'), ...scope };
    case 'unauthorized':
      return { kind, ...scope };
    case 'drop-after-accept':
      return { kind, ...scope };
  }
}

function nonNegativeInteger(
  input: Record<string, unknown>,
  name: string,
  fallback: number,
): number {
  const value = input[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ControlError(400, `${name} must be a non-negative integer`);
  }
  return value;
}

function positiveInteger(input: Record<string, unknown>, name: string): number {
  const value = input[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ControlError(400, `${name} must be a positive integer (milliseconds)`);
  }
  return value;
}

export function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ControlError(400, 'expected a JSON object body');
  }
  return body as Record<string, unknown>;
}

export function phone(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || !isE164(value)) {
    throw new ControlError(400, `${name} must be an E.164 phone number`);
  }
  return value;
}

export function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ControlError(400, `${name} must be a string`);
  return value;
}

function stringArray(input: Record<string, unknown>, name: string): string[] {
  const value = input[name];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new ControlError(400, `${name} must be an array of strings`);
  }
  return value;
}
