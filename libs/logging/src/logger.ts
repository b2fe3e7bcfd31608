import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';
import { currentCorrelation } from './correlation';
import { maskPhonesIn, scrubLogFields } from './scrub';

export type LogFormat = 'json' | 'pretty';

/**
 * Readable lines for a person at a terminal, JSON lines for everything else; `LOG_FORMAT` forces
 * either. A value other than these two is refused by the service's config at boot.
 */
export function logFormat(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = process.stdout.isTTY === true,
): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return isTTY ? 'pretty' : 'json';
}

export interface RootLoggerOptions {
  level?: string;
  format?: LogFormat;
  /** Where the lines go: stdout when absent. */
  destination?: DestinationStream;
}

/**
 * Formats in this thread, synchronously: pretty lines are for a terminal, where speed does not
 * matter, and a line written just before the process exits is not lost.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  return pretty({
    destination: destination ?? 1,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,service,logger,context',
    messageFormat: '{service}{if logger} {logger}{end}{if context} {context}{end}: {msg}',
  });
}

/**
 * Logs on stdout. Each line carries the service, the logger's name and, inside a message's work,
 * its correlation id. Message bodies are never logged: `body` is redacted wherever it appears,
 * and every phone number is masked, before either format sees it (`scrubLogFields`). JSON is written straight to stdout, with no transport thread.
 */
export function createRootLogger(service: string, options: RootLoggerOptions = {}): Logger {
  const format = options.format ?? logFormat();
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['body', '*.body', 'payload.body', 'req.body'], censor: '[redacted]' },
      mixin: () => ({ ...currentCorrelation() }),
      // Whatever a caller passes: text redacted at any depth, phones masked in every string.
      formatters: { log: scrubLogFields },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg: unknown) =>
            typeof arg === 'string' ? maskPhonesIn(arg) : arg,
          ) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
    },
    format === 'pretty'
      ? prettyStream(options.destination)
      : (options.destination ?? pino.destination(1)),
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
