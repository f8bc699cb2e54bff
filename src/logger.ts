// The service's log: pino, one JSON object per line (what log collectors expect from a container),
// or coloured lines for a person in development. Credentials never reach it: see REDACTED.
import pino, { type DestinationStream, type Logger } from 'pino';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Wherever a key could sit in a logged object, its value is replaced. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.subscriptionkey',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.subscriptionkey',
];

function createLogger(level: LogLevel, pretty: boolean, file?: string): Logger {
  const options = {
    level,
    redact: { paths: REDACTED, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (file) return pino(options, pino.destination({ dest: file, sync: true }));
  const readable = pretty ? prettyStream() : undefined;
  if (readable) return pino(options, readable);
  // Errors and worse on stderr, the rest on stdout; synchronous, so a fatal line is out before exit.
  const streams = [
    { level: 'trace' as const, stream: pino.destination({ fd: 1, sync: true }) },
    { level: 'error' as const, stream: pino.destination({ fd: 2, sync: true }) },
  ];
  return pino(options, pino.multistream(streams, { dedupe: true }));
}

/** pino-pretty is a development dependency: a production install (`--omit=dev`) logs JSON. */
function prettyStream(): DestinationStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional at run time
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    return pretty({ sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}

let current = createLogger('info', false);

/**
 * Sets the level and the format once the configuration is read (`LOG_LEVEL`; readable lines in
 * development); `file` sends the lines to a file instead (the benchmark's in-process servers).
 */
export function configureLogging(options: { level: LogLevel; pretty: boolean; file?: string }): void {
  current = createLogger(options.level, options.pretty, options.file);
}

/** The pino instance, for pino-http. */
export const rootLogger = (): Logger => current;

type Fields = Record<string, unknown>;
export const log = {
  debug: (msg: string, fields: Fields = {}) => current.debug(fields, msg),
  info: (msg: string, fields: Fields = {}) => current.info(fields, msg),
  warn: (msg: string, fields: Fields = {}) => current.warn(fields, msg),
  error: (msg: string, fields: Fields = {}) => current.error(fields, msg),
  fatal: (msg: string, fields: Fields = {}) => current.fatal(fields, msg),
};

export const describeError = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));
