/** Everything the emulator remembers, in memory; `reset()` forgets it all. */

export type MessageStatus =
  'queued' | 'sending' | 'sent' | 'failed' | 'delivered' | 'undelivered' | 'received';

export interface StoredMessage {
  sid: string;
  direction: 'outbound-api' | 'inbound';
  from: string | null;
  to: string;
  body: string;
  mediaUrls: string[];
  numSegments: number;
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  messagingServiceSid: string | null;
  statusCallback: string | null;
  price: string | null;
  dateCreated: Date;
  dateSent: Date | null;
  dateUpdated: Date;
}

export interface OwnedNumber {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  smsUrl: string;
  smsMethod: HttpMethod;
  smsFallbackUrl: string;
  smsFallbackMethod: HttpMethod;
  statusCallback: string;
  statusCallbackMethod: HttpMethod;
  voiceUrl: string | null;
  voiceMethod: HttpMethod;
  dateCreated: Date;
  dateUpdated: Date;
}

export type HttpMethod = 'GET' | 'POST';

export interface DestinationFailure {
  status: 'undelivered' | 'failed';
  errorCode: number;
}

/**
 * What a scripted fault does to a create (POST Messages.json), as Twilio really behaves:
 * - `rate-limit`: 429, code 20429, with `Retry-After` (seconds); nothing created;
 * - `unauthorized`: 401, code 20003 (a rotated auth token); nothing created;
 * - `server-error`: 500 (20500) or 503 (20503); nothing created;
 * - `drop-after-accept`: created, then the connection is dropped before any answer;
 * - `late-answer`: created, answered only after `delayMs` (later than a client's timeout);
 * - `held-queued`: created and answered, but held `queued` (date_sent null) for `holdMs`
 *   before it is sent, as Twilio's queue holds messages (up to ValidityPeriod).
 */
export type FaultEffect =
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'unauthorized' }
  | { kind: 'server-error'; status: 500 | 503 }
  | { kind: 'drop-after-accept' }
  | { kind: 'late-answer'; delayMs: number }
  | { kind: 'held-queued'; holdMs: number };
export type FaultKind = FaultEffect['kind'];

/** A fault for the next `count` creates or until `until` (epoch ms), to `to` or to anyone. */
export type Fault = FaultEffect & { to?: string } & ({ count: number } | { until: number });

export class EmulatorState {
  /** In creation order; the REST list answers newest first. */
  readonly messages: StoredMessage[] = [];
  readonly numbers = new Map<string, OwnedNumber>();
  readonly failingDestinations = new Map<string, DestinationFailure>();
  /** `${from}|${to}` pairs whose sends fail with 21610. */
  readonly optOuts = new Set<string>();
  readonly unavailableNumbers = new Set<string>();
  /** Who a phone or one of the account's numbers belongs to, as the phone simulator shows it. */
  readonly names = new Map<string, string>();
  /** Creates asked for, by `To`, whatever the answer (refusals and faults too): Twilio was called. */
  readonly createsAsked = new Map<string, number>();
  /** Scripted faults, oldest first; a create takes the first one that applies to it. */
  faults: Fault[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Bumped by reset(), so work started before a reset stops instead of touching new state. */
  generation = 0;

  findMessage(sid: string): StoredMessage | undefined {
    return this.messages.find((m) => m.sid === sid);
  }

  findNumberByPhone(phoneNumber: string): OwnedNumber | undefined {
    return [...this.numbers.values()].find((n) => n.phoneNumber === phoneNumber);
  }

  isOptedOut(from: string, to: string): boolean {
    return this.optOuts.has(`${from}|${to}`);
  }

  setOptOut(from: string, to: string, optedOut: boolean): void {
    if (optedOut) this.optOuts.add(`${from}|${to}`);
    else this.optOuts.delete(`${from}|${to}`);
  }

  /** Adds a fault, replacing one of the same kind for the same `to` (a count of 0 clears it). */
  setFault(fault: Fault): void {
    this.faults = this.faults.filter((f) => f.kind !== fault.kind || f.to !== fault.to);
    if (!('count' in fault) || fault.count > 0) this.faults.push(fault);
  }

  /**
   * The first fault of `kinds` that applies to a create to `to`, if any, counting it as used. A
   * create takes one fault about its answer and, once created, one `held-queued` (so a message
   * can be held and its answer lost).
   */
  takeFault(to: string | undefined, kinds: readonly FaultKind[]): FaultEffect | undefined {
    const now = Date.now();
    this.faults = this.faults.filter((f) => ('until' in f ? f.until > now : f.count > 0));
    const fault = this.faults.find(
      (f) => kinds.includes(f.kind) && (f.to === undefined || f.to === to),
    );
    if (fault && 'count' in fault) fault.count -= 1;
    return fault;
  }

  /** Resolves after `ms` unless reset() or clearTimers() comes first (then it never resolves). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  reset(): void {
    this.clearTimers();
    this.generation += 1;
    this.messages.length = 0;
    this.numbers.clear();
    this.failingDestinations.clear();
    this.optOuts.clear();
    this.createsAsked.clear();
    this.unavailableNumbers.clear();
    this.names.clear();
    this.faults = [];
  }
}
