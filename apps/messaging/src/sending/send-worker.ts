import { randomUUID } from 'node:crypto';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { logger, maskPhone } from '@fidelis/logging';
import { UnitOfWork } from '@fidelis/runtime';
import { MESSAGING_CONFIG, MessagingConfig } from '../config';
import { MessageStore } from '../messages/message-store';
import { OptOuts } from '../opt-outs/opt-outs';
import { FallbackMailer } from '../fallback/fallback-mailer';
import { ClaimedSend, SendQueue } from './send-queue';
import {
  SendOutcome,
  TWILIO_TIMEOUT_MS,
  TwilioSmsClient,
  TwilioTrouble,
  troubleOf,
} from './twilio-sms.client';
import { WakeableSleep } from './wakeable-sleep';

/** Slots are this much further apart than the rate alone asks… */
const PACING_MARGIN = 1.05;
/**
 * …so a send may go out up to this late after its slot and no one-second window ever holds more
 * than the rate: any rate+1 slots span at least 1000 ms × PACING_MARGIN. A send that wakes later
 * (its process was too busy) takes a new slot instead.
 */
const LATE_MS = 1000 * (PACING_MARGIN - 1);
/** How far ahead of a number's next slot a send may be claimed. */
const LOOKAHEAD_MS = 100;
/** Sends one instance holds at once (each waiting for its slot or for Twilio). */
const MAX_IN_FLIGHT = 32;
const HEARTBEAT_MS = 1_000;
/** A worker that could not beat for this long starts no call to Twilio… */
const CALL_GUARD_MS = 2_000;
/** …so one silent for this long (> guard + Twilio timeout) has certainly no call under way. */
const STALE_AFTER_MS = CALL_GUARD_MS + TWILIO_TIMEOUT_MS + 3_000;
/** Twilio's clock and ours differ; look this far before the attempt for what it accepted. */
const CLOCK_SKEW_MS = 60_000;
/**
 * A request Twilio got may still be accepted a while after the caller gave up on it, so an
 * attempt is sent again only when Twilio still does not have it this long after it started;
 * until then it is asked again.
 */
const SETTLED_AFTER_MS = 60_000;
/**
 * While Twilio is unavailable an instance starts no call to it for as long as the outage has
 * lasted so far (so it tries again after 1, 2, 4 … s), at most a minute…
 */
const OUTAGE_MIN_WAIT_MS = 1_000;
const OUTAGE_MAX_WAIT_MS = 60_000;
/** …or for what Twilio's Retry-After asks, up to this. */
const RETRY_AFTER_MAX_MS = 15 * 60_000;

const TWILIO_UNSUBSCRIBED = '21610';

/**
 * Hands queued messages to Twilio, exactly once each, at the pace of their number. Every
 * instance runs one; they share the queue, the pacing and the in-flight attempts through Postgres:
 * - a send is claimed with its number's next slot and recorded as 'sending' before Twilio is called;
 * - only Twilio's refusal of the message itself is final (email takes over); when Twilio is
 *   unavailable (401/403, 429, 5xx, no answer) the instance pauses and the send is tried again;
 * - a call that ended without an answer, or that a dead instance left in flight, is checked at
 *   Twilio (Messages list by From and To, created around the attempt — queued ones too, which
 *   have no date_sent yet) before the message is sent again.
 */
@Injectable()
export class SendWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = logger(SendWorker.name);
  readonly workerId = randomUUID();
  private readonly spacingMs: number;
  private readonly idle = new WakeableSleep();
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private lastHeartbeat = 0;
  private loops: Promise<void>[] = [];
  private heartbeatTimer?: NodeJS.Timeout;
  private claimLatencyMs = 10;
  /** When Twilio became unavailable, while it is; and until when no call is started. */
  private outageSince?: number;
  private pausedUntil = 0;

  constructor(
    @Inject(MESSAGING_CONFIG) config: MessagingConfig,
    private readonly queue: SendQueue,
    private readonly twilio: TwilioSmsClient,
    private readonly unitOfWork: UnitOfWork,
    private readonly store: MessageStore,
    private readonly optOuts: OptOuts,
    private readonly mailer: FallbackMailer,
  ) {
    this.spacingMs = (1000 / config.SEND_RATE_PER_NUMBER) * PACING_MARGIN;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.running = true;
    await this.beat();
    this.heartbeatTimer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.loops = [this.dispatch(), this.reconcile()];
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.idle.wake();
    await Promise.all(this.loops);
    await Promise.all([...this.inFlight]);
    clearInterval(this.heartbeatTimer);
    await this.queue.retire(this.workerId).catch(() => undefined);
  }

  /** Slots are taken this far ahead: about twice what a claim takes to come back. */
  private get leadMs(): number {
    return Math.min(1_000, Math.max(20, 2 * this.claimLatencyMs));
  }

  private observeLatency(ms: number): void {
    this.claimLatencyMs = 0.8 * this.claimLatencyMs + 0.2 * ms;
  }

  /** New work was queued by this instance: look at once instead of at the next poll. */
  wake(): void {
    this.idle.wake();
  }

  private async beat(): Promise<void> {
    try {
      await this.queue.heartbeat(this.workerId);
      this.lastHeartbeat = Date.now();
    } catch (error) {
      this.log.warn({ err: String(error) }, 'send worker heartbeat failed');
    }
  }

  private get mayCallTwilio(): boolean {
    return Date.now() - this.lastHeartbeat < CALL_GUARD_MS && this.pausedForMs === 0;
  }

  private get pausedForMs(): number {
    return Math.max(0, this.pausedUntil - Date.now());
  }

  /** Twilio is unavailable: no call is started for a while (see OUTAGE_MIN_WAIT_MS). */
  private pause(trouble: TwilioTrouble): number {
    const now = Date.now();
    this.outageSince ??= now;
    const waitMs =
      trouble.retryAfterMs === undefined
        ? Math.min(OUTAGE_MAX_WAIT_MS, Math.max(OUTAGE_MIN_WAIT_MS, now - this.outageSince))
        : Math.min(RETRY_AFTER_MAX_MS, trouble.retryAfterMs);
    this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
    return waitMs;
  }

  private async dispatch(): Promise<void> {
    while (this.running) {
      if (this.inFlight.size >= MAX_IN_FLIGHT || !this.mayCallTwilio) {
        await Promise.race([this.idle.sleep(Math.max(50, this.pausedForMs)), ...this.inFlight]);
        continue;
      }
      try {
        const started = Date.now();
        const claimed = await this.queue.claim(this.workerId, {
          spacingMs: this.spacingMs,
          lookaheadMs: LOOKAHEAD_MS,
          leadMs: this.leadMs,
        });
        this.observeLatency(Date.now() - started);
        if ('send' in claimed) {
          const sending: Promise<void> = this.send(claimed.send).finally(() =>
            this.inFlight.delete(sending),
          );
          this.inFlight.add(sending);
        } else {
          await this.idle.sleep(claimed.waitMs);
        }
      } catch (error) {
        this.log.warn({ err: String(error) }, 'could not claim a send; retrying');
        await this.idle.sleep(1_000);
      }
    }
  }

  private async send(send: ClaimedSend): Promise<void> {
    const ids = { messageId: send.messageId, from: maskPhone(send.from), attempt: send.attempts };
    try {
      let slot = send.slot.getTime();
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, slot - Date.now()));
        if (Date.now() <= slot + LATE_MS) break;
        const started = Date.now();
        slot = (await this.queue.reclaimSlot(send.from, this.spacingMs, this.leadMs)).getTime();
        this.observeLatency(Date.now() - started);
      }
      if (!this.mayCallTwilio) {
        // Twilio was not called: the message simply goes back to the queue.
        await this.unitOfWork.run((manager) =>
          this.queue.retryLater(manager, send.messageId, this.pausedForMs),
        );
        return;
      }
      const submittedAt = new Date();
      const outcome = await this.twilio.send(send);
      if (outcome.kind === 'accepted' || outcome.kind === 'refused') {
        this.outageSince = undefined; // Twilio answers again
        await this.settle(send, outcome, submittedAt, 0);
        this.log.info({ ...ids, outcome: outcome.kind }, 'send handed to Twilio');
        return;
      }
      const waitMs = this.pause(outcome);
      await this.settle(send, outcome, submittedAt, waitMs);
      this.log.warn(
        { ...ids, reason: outcome.reason, pausedForMs: waitMs },
        outcome.kind === 'outage'
          ? 'Twilio is unavailable; the send waits and is tried again'
          : 'Twilio may or may not have the message; it is asked before sending again',
      );
    } catch (error) {
      // The job stays 'sending'; the reconciler checks it at Twilio once it is old.
      this.log.error({ ...ids, err: String(error) }, 'send could not be recorded');
    }
  }

  private async settle(
    send: ClaimedSend,
    outcome: SendOutcome,
    submittedAt: Date,
    waitMs: number,
  ): Promise<void> {
    await this.unitOfWork.run(async (manager) => {
      await this.queue.recordAnswer(manager, send.from);
      switch (outcome.kind) {
        case 'accepted':
          await this.store.recordAccepted(manager, send.messageId, {
            sid: outcome.sid,
            status: outcome.status,
            submittedAt,
            workerId: this.workerId,
          });
          await this.queue.done(manager, send.messageId);
          return;
        case 'outage':
          // Twilio certainly has nothing: the same send again once the pause is over.
          await this.queue.retryLater(manager, send.messageId, waitMs);
          return;
        case 'refused':
          if (outcome.code === TWILIO_UNSUBSCRIBED) {
            await this.optOuts.record(manager, {
              studentPhone: send.to,
              number: send.from,
              optedOut: true,
              at: submittedAt,
              source: { kind: 'twilio', messageId: send.messageId },
            });
          }
          await this.queue.done(manager, send.messageId);
          await this.store.fail(manager, send.messageId, outcome.code);
          return;
        case 'unknown':
          await this.queue.markUnsure(manager, send.messageId, Math.max(1_000, waitMs));
          return;
      }
    });
    if (outcome.kind === 'refused') this.mailer.wake();
  }

  /** Checks at Twilio, one by one, the sends nobody knows the outcome of. */
  private async reconcile(): Promise<void> {
    while (this.running) {
      if (this.pausedForMs > 0) {
        await this.idle.sleep(this.pausedForMs);
        continue;
      }
      let worked = false;
      try {
        worked = await this.unitOfWork.run(async (manager) => {
          const unsure = await this.queue.lockUnsure(manager, STALE_AFTER_MS);
          if (!unsure) return false;
          const startedAt = unsure.attemptStartedAt.getTime();
          let found;
          try {
            found = await this.twilio.findSent({
              ...unsure,
              createdAfter: new Date(startedAt - CLOCK_SKEW_MS),
              createdBefore: new Date(startedAt + SETTLED_AFTER_MS + CLOCK_SKEW_MS),
              isKnown: async (sid) =>
                (
                  await manager.query<unknown[]>(
                    'SELECT 1 FROM messaging.messages WHERE twilio_sid = $1',
                    [sid],
                  )
                ).length > 0,
            });
          } catch (error) {
            const trouble = troubleOf(error);
            const waitMs = this.pause(trouble);
            this.log.warn(
              { messageId: unsure.messageId, reason: trouble.reason, pausedForMs: waitMs },
              'cannot ask Twilio about an unsure send; it is asked again later',
            );
            await this.queue.markUnsure(manager, unsure.messageId, Math.max(5_000, waitMs));
            return true;
          }
          this.outageSince = undefined; // Twilio answers again
          if (found) {
            await this.store.recordAccepted(manager, unsure.messageId, {
              sid: found.sid,
              status: found.status,
              submittedAt: unsure.attemptStartedAt,
              workerId: this.workerId,
            });
            await this.queue.done(manager, unsure.messageId);
          } else if (Date.now() - startedAt < SETTLED_AFTER_MS) {
            await this.queue.markUnsure(manager, unsure.messageId, 5_000);
          } else {
            await this.queue.retryLater(manager, unsure.messageId, 0);
          }
          this.log.info(
            { messageId: unsure.messageId, found: found !== undefined },
            'unsure send checked at Twilio',
          );
          return true;
        });
      } catch (error) {
        this.log.warn({ err: String(error) }, 'could not check unsure sends; retrying');
      }
      if (worked) this.idle.wake();
      else await this.idle.sleep(1_000);
    }
  }
}
