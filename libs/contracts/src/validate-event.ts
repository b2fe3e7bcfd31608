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
