import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { envelopeClass, EventEnvelope } from './envelope';
import { EventDefinition } from './event-definition';

/** A message that can never be handled as it is: it goes to the dead-letter queue at once. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(readonly problems: string[]) {
    super(`Invalid event: ${problems.join('; ')}`);
  }
}

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...describe(error.children ?? [], `${path}.`)];
  });
}

const envelopeClasses = new WeakMap<EventDefinition, ReturnType<typeof envelopeClass>>();

/** Checks a decoded object against a class-validator class; returns the instance or the problems. */
export function validateObject<T extends object>(
  type: new () => T,
  value: unknown,
): { value: T; problems: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { value: value as T, problems: ['the body must be a JSON object'] };
  }
  const instance = plainToInstance(type, value);
  return {
    value: instance,
    // Always an instance of a known class here, so an undecorated one (a request with no fields)
    // is valid rather than "unknown".
    problems: describe(validateSync(instance, { whitelist: true, forbidUnknownValues: false })),
  };
}

/** Checks a decoded message against the envelope and the event's payload class. */
export function validateEvent<P extends object>(
  definition: EventDefinition<P>,
  message: unknown,
): EventEnvelope<P> {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new InvalidEventError(['the message is not a JSON object']);
  }
  let envelope = envelopeClasses.get(definition);
  if (!envelope) {
    envelope = envelopeClass(definition);
    envelopeClasses.set(definition, envelope);
  }
  const instance = plainToInstance(envelope, message);
  const problems = describe(validateSync(instance, { whitelist: true, forbidUnknownValues: true }));
  if (problems.length > 0) throw new InvalidEventError(problems);
  return instance as EventEnvelope<P>;
}
