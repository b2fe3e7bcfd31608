import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { RetryAfterException, retryAfterMs } from './retry-after';

/** Matches the origin of any Twilio product host, including edge/region variants. */
const TWILIO_ORIGIN = /^https:\/\/[a-z0-9.-]+\.twilio\.com(?=\/|\?|$)/i;

/**
 * A RequestClient that sends Twilio API calls to another base URL (an emulator, a proxy).
 * twilio-node has no base-URL option; a custom httpClient is its supported hook.
 */
export class BaseUrlRequestClient extends twilio.RequestClient {
  private readonly apiBaseUrl: string | undefined;

  constructor(apiBaseUrl?: string, options?: RequestClient.RequestClientOptions) {
    super(options);
    this.apiBaseUrl = apiBaseUrl ? apiBaseUrl.replace(/\/+$/, '') : undefined;
  }

  /** Also rejects an error answer with `Retry-After` as a RetryAfterException, keeping the wait. */
  override async request<TData>(
    opts: RequestClient.RequestOptions<TData>,
  ): Promise<Response<TData>> {
    const response = await super.request({ ...opts, uri: this.rewrite(opts.uri) });
    const headers = response.headers as Record<string, unknown> | undefined;
    const wait = response.statusCode >= 400 ? retryAfterMs(headers?.['retry-after']) : undefined;
    if (wait !== undefined) throw new RetryAfterException(response, wait);
    return response;
  }

  /** `https://api.twilio.com/2010-04-01/...` → `${apiBaseUrl}/2010-04-01/...`; unchanged without a base URL. */
  rewrite(uri: string): string {
    if (!this.apiBaseUrl) return uri;
    return uri.replace(TWILIO_ORIGIN, this.apiBaseUrl);
  }
}
