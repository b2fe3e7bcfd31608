import { AsyncLocalStorage } from 'node:async_hooks';

/** The ids that follow one message through every service and every log line. */
export interface CorrelationContext {
  correlationId: string;
  eventId?: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

export function runWithCorrelation<T>(context: CorrelationContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentCorrelation(): CorrelationContext | undefined {
  return storage.getStore();
}
