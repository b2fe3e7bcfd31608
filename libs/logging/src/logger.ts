import pino, { DestinationStream, Logger } from 'pino';
import { currentCorrelation } from './correlation';

/**
 * JSON logs on stdout. Each line carries the service, the logger's name and, inside a message's
 * work, its correlation id. Message bodies are never logged: `body` is redacted wherever it appears.
 */
export function createRootLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination: DestinationStream = pino.destination(1),
): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['body', '*.body', 'payload.body', 'req.body'], censor: '[redacted]' },
      mixin: () => ({ ...currentCorrelation() }),
    },
    destination,
  );
}

let root: Logger | undefined;

/** The process's logger, created on first use for the service named by `FIDELIS_SERVICE`. */
export function rootLogger(): Logger {
  root ??= createRootLogger(process.env.FIDELIS_SERVICE ?? 'fidelis');
  return root;
}

export function setRootLogger(logger: Logger): void {
  root = logger;
}

/** A named child logger, one per class: `private readonly log = logger(MyClass.name)`. */
export function logger(name: string): Logger {
  return rootLogger().child({ logger: name });
}
