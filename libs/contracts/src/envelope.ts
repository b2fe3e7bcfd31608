import { randomUUID } from 'node:crypto';
import { v5 as uuidV5 } from 'uuid';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  ValidateNested,
} from 'class-validator';
import { EventDefinition } from './event-definition';

/** Every message on the broker: the same envelope around a versioned payload. */
export interface EventEnvelope<P = unknown> {
  eventId: string;
  type: string;
  version: number;
  occurredAt: string;
  /** The id of the webhook or request that started the chain; every log line carries it. */
  correlationId: string;
  /** The eventId of the event whose handling produced this one; null for the first. */
  causationId: string | null;
  payload: P;
}

/** The envelope's own checks; the payload is checked against the event's class. */
export function envelopeClass<P extends object>(definition: EventDefinition<P>) {
  class Envelope implements EventEnvelope<P> {
    @IsUUID()
    eventId: string;

    @IsIn([definition.type])
    type: string;

    @IsInt()
    @Min(1)
    @IsIn([definition.version])
    version: number;

    @IsISO8601({ strict: true })
    occurredAt: string;

    @IsString()
    @IsNotEmpty()
    correlationId: string;

    @IsOptional()
    @IsString()
    causationId: string | null;

    @IsObject()
    @ValidateNested()
    @Type(() => definition.payload)
    payload: P;
  }
  return Envelope;
}

/**
 * Starts a chain (a webhook, a request) or continues one (`cause` is the event being handled).
 * `occurredAt` defaults to now; a write that versions its row gives the row's version instead.
 */
export function createEnvelope<P extends object>(
  definition: EventDefinition<P>,
  payload: P,
  origin: { correlationId?: string; cause?: EventEnvelope; occurredAt?: Date } = {},
): EventEnvelope<P> {
  return envelope(definition, payload, origin, randomUUID());
}

/** The namespace of derived event ids (any fixed UUID; it only has to stay the same). */
const DERIVED_EVENTS = '8f3b6a52-4d1e-4c3a-9b7e-2f5d0c6e1a94';

/**
 * The event a step derives from `cause` without writing anything (routing's steps): its id is a
 * name-based UUID of the cause's id and the type, so handling `cause` again — after a crash before
 * the ack — yields the same id, and the step that consumes it has its effect once.
 */
export function deriveEnvelope<P extends object>(
  definition: EventDefinition<P>,
  payload: P,
  cause: EventEnvelope,
): EventEnvelope<P> {
  const eventId = uuidV5(`${cause.eventId} ${definition.type}`, DERIVED_EVENTS);
  return envelope(definition, payload, { cause }, eventId);
}

function envelope<P extends object>(
  definition: EventDefinition<P>,
  payload: P,
  origin: { correlationId?: string; cause?: EventEnvelope; occurredAt?: Date },
  eventId: string,
): EventEnvelope<P> {
  return {
    eventId,
    type: definition.type,
    version: definition.version,
    occurredAt: (origin.occurredAt ?? new Date()).toISOString(),
    correlationId: origin.cause?.correlationId ?? origin.correlationId ?? eventId,
    causationId: origin.cause?.eventId ?? null,
    payload,
  };
}
