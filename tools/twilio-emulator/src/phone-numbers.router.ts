import { Router, type Request } from 'express';
import { isValidPhoneNumber } from 'libphonenumber-js';
import {
  firstAvailableNumber,
  friendlyName,
  searchAvailableNumbers,
  toAvailableNumberResource,
} from './available-numbers';
import { accountPath, API_VERSION, type EmulatorContext } from './context';
import { field, isE164, newSid, rfc2822 } from './formats';
import { pageOf, queryEntries } from './paging';
import type { HttpMethod, OwnedNumber } from './state';
import { notFoundError, TwilioApiError } from './twilio-error';

/** The resource exactly as schema `api.v2010.account.incoming_phone_number` describes it. */
export function toIncomingNumberResource(
  ctx: EmulatorContext,
  n: OwnedNumber,
): Record<string, unknown> {
  return {
    account_sid: ctx.accountSid,
    address_requirements: 'none',
    address_sid: null,
    api_version: API_VERSION,
    beta: false,
    bundle_sid: null,
    capabilities: { fax: false, mms: true, sms: true, voice: true },
    date_created: rfc2822(n.dateCreated),
    date_updated: rfc2822(n.dateUpdated),
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    emergency_status: 'Inactive',
    friendly_name: n.friendlyName,
    identity_sid: null,
    origin: 'twilio',
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: null,
    sms_fallback_method: n.smsFallbackMethod,
    sms_fallback_url: n.smsFallbackUrl,
    sms_method: n.smsMethod,
    sms_url: n.smsUrl,
    status: 'in-use',
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    trunk_sid: null,
    type: 'local',
    uri: `${accountPath(ctx)}/IncomingPhoneNumbers/${n.sid}.json`,
    voice_application_sid: null,
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: null,
    voice_method: n.voiceMethod,
    voice_receive_mode: 'voice',
    voice_url: n.voiceUrl,
  };
}

export function phoneNumbersRouter(ctx: EmulatorContext): Router {
  const router = Router();
  const { state } = ctx;
  const isTaken = (phoneNumber: string): boolean =>
    state.findNumberByPhone(phoneNumber) !== undefined || state.unavailableNumbers.has(phoneNumber);

  router.get('/AvailablePhoneNumbers/:country/Local.json', (req, res) => {
    // The emulator stocks US numbers only; Twilio answers 404 for a country it does not serve.
    if (req.params.country !== 'US') throw notFoundError(req.originalUrl.split('?')[0]);
    const query = queryEntries(req);
    const limit = Number(query.get('PageSize') ?? '50');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new TwilioApiError(400, 20001, 'PageSize must be between 1 and 1000');
    }
    const numbers = searchAvailableNumbers({
      areaCode: query.get('AreaCode') || undefined,
      contains: query.get('Contains') || undefined,
      limit,
      isTaken,
    });
    res.json({
      available_phone_numbers: numbers.map(toAvailableNumberResource),
      uri: req.originalUrl,
    });
  });

  router.post('/IncomingPhoneNumbers.json', (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const phoneNumber = choosePhoneNumber(form, isTaken);
    const number = ownedNumber(newSid('PN'), phoneNumber);
    applyUpdate(number, form);
    state.numbers.set(number.sid, number);
    res.status(201).json(toIncomingNumberResource(ctx, number));
  });

  router.get('/IncomingPhoneNumbers.json', (req, res) => {
    const query = queryEntries(req);
    const pattern = query.get('PhoneNumber');
    const name = query.get('FriendlyName');
    const matching = [...state.numbers.values()].filter(
      (n) =>
        (pattern === undefined || matchesPartialNumber(n.phoneNumber, pattern)) &&
        (name === undefined || n.friendlyName === name),
    );
    res.json(
      pageOf(
        req,
        `${accountPath(ctx)}/IncomingPhoneNumbers.json`,
        'incoming_phone_numbers',
        matching,
        (n) => toIncomingNumberResource(ctx, n),
      ),
    );
  });

  router.get('/IncomingPhoneNumbers/:sid.json', (req, res) => {
    res.json(toIncomingNumberResource(ctx, findOwned(req)));
  });

  router.post('/IncomingPhoneNumbers/:sid.json', (req, res) => {
    const number = findOwned(req);
    applyUpdate(number, (req.body ?? {}) as Record<string, unknown>);
    number.dateUpdated = new Date();
    res.json(toIncomingNumberResource(ctx, number));
  });

  router.delete('/IncomingPhoneNumbers/:sid.json', (req, res) => {
    const number = findOwned(req);
    state.numbers.delete(number.sid);
    res.status(204).end();
  });

  function findOwned(req: Request<{ sid: string }>): OwnedNumber {
    const number = state.numbers.get(req.params.sid);
    if (!number) throw notFoundError(req.originalUrl.split('?')[0]);
    return number;
  }

  return router;
}

/** A number just bought (or, by the simulator's control route, one bought before a restart). */
export function ownedNumber(sid: string, phoneNumber: string): OwnedNumber {
  const now = new Date();
  return {
    sid,
    phoneNumber,
    friendlyName: friendlyName(phoneNumber),
    smsUrl: '',
    smsMethod: 'POST',
    smsFallbackUrl: '',
    smsFallbackMethod: 'POST',
    statusCallback: '',
    statusCallbackMethod: 'POST',
    voiceUrl: null,
    voiceMethod: 'POST',
    dateCreated: now,
    dateUpdated: now,
  };
}

/** The number a purchase asks for: PhoneNumber exactly, or the first free one in AreaCode. */
function choosePhoneNumber(
  form: Record<string, unknown>,
  isTaken: (phoneNumber: string) => boolean,
): string {
  const requested = field(form.PhoneNumber)?.trim();
  const areaCode = field(form.AreaCode)?.trim();
  if (requested) {
    if (!isE164(requested) || !isValidPhoneNumber(requested)) {
      throw new TwilioApiError(400, 21421, `PhoneNumber is invalid: ${requested}`);
    }
    if (isTaken(requested)) {
      throw new TwilioApiError(
        400,
        21422,
        `Phone number ${requested} is not available for purchase. It may have already been bought; search again for available numbers.`,
      );
    }
    return requested;
  }
  if (areaCode) {
    const found = firstAvailableNumber(areaCode, isTaken);
    if (!found) {
      throw new TwilioApiError(
        400,
        21422,
        `No phone numbers are available in area code ${areaCode}.`,
      );
    }
    return found;
  }
  throw new TwilioApiError(400, 21421, "A 'PhoneNumber' or 'AreaCode' is required.");
}

function applyUpdate(number: OwnedNumber, form: Record<string, unknown>): void {
  const text = (name: string): string | undefined => field(form[name]);
  number.friendlyName = text('FriendlyName') ?? number.friendlyName;
  number.smsUrl = text('SmsUrl') ?? number.smsUrl;
  number.smsMethod = httpMethod(text('SmsMethod'), 'SmsMethod') ?? number.smsMethod;
  number.smsFallbackUrl = text('SmsFallbackUrl') ?? number.smsFallbackUrl;
  number.smsFallbackMethod =
    httpMethod(text('SmsFallbackMethod'), 'SmsFallbackMethod') ?? number.smsFallbackMethod;
  number.statusCallback = text('StatusCallback') ?? number.statusCallback;
  number.statusCallbackMethod =
    httpMethod(text('StatusCallbackMethod'), 'StatusCallbackMethod') ?? number.statusCallbackMethod;
  number.voiceUrl = text('VoiceUrl') ?? number.voiceUrl;
  number.voiceMethod = httpMethod(text('VoiceMethod'), 'VoiceMethod') ?? number.voiceMethod;
}

function httpMethod(value: string | undefined, name: string): HttpMethod | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  if (upper === 'GET' || upper === 'POST') return upper;
  throw new TwilioApiError(400, 20001, `${name} must be GET or POST`);
}

/** Twilio's PhoneNumber filter: a partial number, `*` for any one digit. */
function matchesPartialNumber(phoneNumber: string, pattern: string): boolean {
  const source = Array.from(pattern)
    .map((c) => (c === '*' ? '\\d' : /\d/.test(c) ? c : c === '+' ? '\\+' : ''))
    .join('');
  return new RegExp(source).test(phoneNumber);
}
