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

export type FaultKind = 'rate-limit' | 'drop-after-accept';

export class EmulatorState {
  /** In creation order; the REST list answers newest first. */
  readonly messages: StoredMessage[] = [];
  readonly numbers = new Map<string, OwnedNumber>();
  readonly failingDestinations = new Map<string, DestinationFailure>();
  /** `${from}|${to}` pairs whose sends fail with 21610. */
  readonly optOuts = new Set<string>();
  readonly unavailableNumbers = new Set<string>();
  readonly faults: Record<FaultKind, number> = { 'rate-limit': 0, 'drop-after-accept': 0 };
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

  /** Consumes one pending fault of this kind, if any. */
  takeFault(kind: FaultKind): boolean {
    if (this.faults[kind] <= 0) return false;
    this.faults[kind] -= 1;
    return true;
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
    this.unavailableNumbers.clear();
    this.faults['rate-limit'] = 0;
    this.faults['drop-after-accept'] = 0;
  }
}
