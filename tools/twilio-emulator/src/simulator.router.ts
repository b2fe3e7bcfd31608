import { Router } from 'express';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { EmulatorContext } from './context';
import { bodyOf, ControlError, optionalString, phone } from './control.router';
import { ownedNumber } from './phone-numbers.router';
import type { StoredMessage } from './state';

const NUMBER_SID = /^PN[0-9a-fA-F]{32}$/;

/**
 * The control routes of the phone simulator (JSON, no auth, not Twilio's API): the account's
 * numbers and the phones to offer, each with the name it was given, and every message between a
 * phone and the account. Texting a number is `POST /_emulator/inbound`.
 */
export function simulatorRouter(ctx: EmulatorContext): Router {
  const router = Router();
  const { state } = ctx;
  const nameOf = (phoneNumber: string) => state.names.get(phoneNumber) ?? null;

  router.get('/numbers', (_req, res) => {
    const numbers = [...state.numbers.values()]
      .map(({ sid, phoneNumber, smsUrl }) => ({
        sid,
        phoneNumber,
        name: nameOf(phoneNumber),
        smsUrl,
      }))
      .sort(byNameThenPhone);
    res.json({ numbers });
  });

  // The emulator keeps its account in memory: npm start tells a restarted emulator again which
  // numbers the system bought (same SID, same SmsUrl), as Twilio would still have them.
  router.post('/numbers', (req, res) => {
    const input = bodyOf(req);
    const phoneNumber = phone(input, 'phoneNumber');
    const sid = optionalString(input, 'sid') ?? '';
    if (!NUMBER_SID.test(sid)) {
      throw new ControlError(400, 'sid must be PN followed by 32 hex characters');
    }
    const smsUrl = optionalString(input, 'smsUrl') ?? '';
    const owner = state.findNumberByPhone(phoneNumber);
    if (owner && owner.sid !== sid) {
      throw new ControlError(409, `${phoneNumber} is already owned as ${owner.sid}`);
    }
    const number = state.numbers.get(sid) ?? ownedNumber(sid, phoneNumber);
    const known = state.numbers.has(sid);
    number.smsUrl = smsUrl;
    number.dateUpdated = new Date();
    state.numbers.set(sid, number);
    res.status(known ? 200 : 201).json({ sid, phoneNumber, smsUrl });
  });

  router.post('/names', (req, res) => {
    const input = bodyOf(req);
    const phoneNumber = phone(input, 'phoneNumber');
    const name = optionalString(input, 'name')?.trim();
    if (!name) throw new ControlError(400, 'name must be a non-empty string');
    state.names.set(phoneNumber, name);
    res.status(201).json({ phoneNumber, name });
  });

  // Named phones first (by name), then every other phone the account has texted or heard from.
  router.get('/phones', (_req, res) => {
    const isOwned = (phoneNumber: string) => state.findNumberByPhone(phoneNumber) !== undefined;
    const seen = new Set(state.messages.map(counterpart).filter((phoneNumber) => phoneNumber));
    const phones = [...new Set([...state.names.keys(), ...seen])]
      .filter((phoneNumber) => !isOwned(phoneNumber))
      .map((phoneNumber) => ({ phoneNumber, name: nameOf(phoneNumber) }))
      .sort(byNameThenPhone);
    res.json({ phones });
  });

  // `:phone` as people write it ("(415) 555-0142" reads as a US number), oldest message first.
  router.get('/phones/:phone/messages', (req, res) => {
    const parsed = parsePhoneNumberFromString(req.params.phone, 'US');
    if (!parsed?.isValid()) {
      throw new ControlError(400, `${req.params.phone} is not a phone number`);
    }
    const phoneNumber = parsed.number;
    const messages = state.messages
      .filter((message) => counterpart(message) === phoneNumber)
      .map((message) => ({
        sid: message.sid,
        direction: message.direction,
        from: message.from,
        to: message.to,
        body: message.body,
        status: message.status,
        errorCode: message.errorCode,
        dateCreated: message.dateCreated.toISOString(),
      }));
    res.json({ phoneNumber, name: nameOf(phoneNumber), messages });
  });

  return router;
}

/** Named first, by name; then by phone number. */
function byNameThenPhone(
  a: { phoneNumber: string; name: string | null },
  b: { phoneNumber: string; name: string | null },
): number {
  if (a.name !== b.name) {
    if (a.name === null) return 1;
    if (b.name === null) return -1;
    return a.name.localeCompare(b.name);
  }
  return a.phoneNumber.localeCompare(b.phoneNumber);
}

/** The phone at the other end of a message from or to the account. */
function counterpart(message: StoredMessage): string {
  return message.direction === 'inbound' ? (message.from ?? '') : message.to;
}
