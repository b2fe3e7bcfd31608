import { Inject, Injectable } from '@nestjs/common';
import type twilio from 'twilio';
import { AvailableNumberView, DomainError } from '@fidelis/contracts';
import { logger } from '@fidelis/logging';
import { createTwilioClient } from '@fidelis/twilio';
import { NUMBERS_CONFIG, NumbersConfig } from '../config';

/** How many available numbers one search shows. */
const SEARCH_LIMIT = 20;
/** Twilio's answer to buying a number that is taken (21422) or not a number it sells (21421). */
const NOT_AVAILABLE_CODES = new Set([21421, 21422]);
/** Twilio's "resource not found". */
const NOT_FOUND_CODE = 20404;
/** Network failures: Twilio never answered. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ERR_NETWORK',
]);

export interface BoughtNumber {
  phoneNumber: string;
  twilioSid: string;
}

/** Twilio's error body as twilio-node reports it (RestException). */
interface TwilioRefusal {
  status: number;
  code?: number;
  message: string;
  moreInfo?: string;
}

/**
 * Twilio's phone-number API: search, buy, release. Every failure comes out as a DomainError —
 * NUMBER_NOT_AVAILABLE, TWILIO_REJECTED (with Twilio's code and message) or TWILIO_UNREACHABLE.
 */
@Injectable()
export class TwilioNumbersClient {
  private readonly log = logger(TwilioNumbersClient.name);
  private readonly twilio: twilio.Twilio;

  constructor(@Inject(NUMBERS_CONFIG) private readonly config: NumbersConfig) {
    this.twilio = createTwilioClient({
      accountSid: config.TWILIO_ACCOUNT_SID,
      authToken: config.TWILIO_AUTH_TOKEN,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
      timeoutMs: 10_000,
    });
  }

  async searchAvailable(query: {
    areaCode?: string;
    contains?: string;
  }): Promise<AvailableNumberView[]> {
    try {
      const numbers = await this.twilio
        .availablePhoneNumbers(this.config.DEFAULT_COUNTRY)
        .local.list({
          areaCode: query.areaCode === undefined ? undefined : Number(query.areaCode),
          contains: query.contains,
          smsEnabled: true,
          limit: SEARCH_LIMIT,
        });
      return numbers.map((number) => ({
        phoneNumber: number.phoneNumber,
        friendlyName: number.friendlyName,
        locality: number.locality ?? null,
        region: number.region ?? null,
      }));
    } catch (error) {
      throw this.failure(error, 'search available numbers');
    }
  }

  /** Buys a number (exactly this one, or any in the area code) with its SMS webhook set. */
  async buy(request: {
    phoneNumber?: string;
    areaCode?: string;
    smsUrl: string;
  }): Promise<BoughtNumber> {
    try {
      const number = await this.twilio.incomingPhoneNumbers.create({
        phoneNumber: request.phoneNumber,
        areaCode: request.areaCode,
        smsUrl: request.smsUrl,
        smsMethod: 'POST',
      });
      return { phoneNumber: number.phoneNumber, twilioSid: number.sid };
    } catch (error) {
      const refusal = asRefusal(error);
      if (refusal?.code !== undefined && NOT_AVAILABLE_CODES.has(refusal.code)) {
        throw new DomainError(
          'NUMBER_NOT_AVAILABLE',
          `Twilio cannot sell this number: ${refusal.message} (Twilio error ${refusal.code})`,
          twilioDetails(refusal),
        );
      }
      if (!refusal) {
        // A purchase that timed out may still have happened at Twilio.
        this.log.warn({ err: String(error) }, 'number purchase got no answer from Twilio');
      }
      throw this.failure(error, 'buy the number');
    }
  }

  /** Releases a number at Twilio; one Twilio no longer has counts as released. */
  async release(twilioSid: string): Promise<void> {
    try {
      await this.twilio.incomingPhoneNumbers(twilioSid).remove();
    } catch (error) {
      const refusal = asRefusal(error);
      if (refusal?.status === 404 && refusal.code === NOT_FOUND_CODE) {
        this.log.warn({ twilioSid }, 'number already gone at Twilio; treated as released');
        return;
      }
      throw this.failure(error, 'release the number');
    }
  }

  private failure(error: unknown, action: string): unknown {
    const refusal = asRefusal(error);
    if (refusal) {
      return new DomainError(
        'TWILIO_REJECTED',
        `Twilio refused to ${action}: ${refusal.message}` +
          (refusal.code === undefined ? '' : ` (Twilio error ${refusal.code})`),
        twilioDetails(refusal),
      );
    }
    const network = networkCode(error);
    if (network) {
      return new DomainError(
        'TWILIO_UNREACHABLE',
        `Twilio could not be reached to ${action} (${network})`,
        { reason: network },
      );
    }
    return error;
  }
}

function asRefusal(error: unknown): TwilioRefusal | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as Partial<TwilioRefusal>;
  if (typeof candidate.status !== 'number') return undefined;
  return {
    status: candidate.status,
    code: typeof candidate.code === 'number' ? candidate.code : undefined,
    message: typeof candidate.message === 'string' ? candidate.message : 'no reason given',
    moreInfo: typeof candidate.moreInfo === 'string' ? candidate.moreInfo : undefined,
  };
}

function twilioDetails(refusal: TwilioRefusal): Record<string, unknown> {
  return {
    twilioCode: refusal.code ?? null,
    twilioStatus: refusal.status,
    twilioMessage: refusal.message,
    moreInfo: refusal.moreInfo ?? null,
  };
}

function networkCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, isAxiosError } = error as { code?: unknown; isAxiosError?: unknown };
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  if (isAxiosError === true) return typeof code === 'string' ? code : 'no answer';
  return undefined;
}
