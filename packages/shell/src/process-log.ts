// The structured log of every Wedge process (pino): one JSON object per line
// on stdout — `{"level":"info","time":"…","event":"listening",…}` — for each
// event that matters to an operator (start, recovery, view change,
// checkpoint, wedge, dispute, settlement, dropped inputs sampled by DropLog),
// pretty-printed instead when stdout is a terminal. Writes are synchronous:
// a process that logs and then exits (a shutdown, a crash hook) loses no line.
//
// Secrets never reach the output, at any level: fields named like a secret
// are redacted by pino, and every line is scrubbed of the process's own
// secrets (its key's hex, given at creation) before it is written — so even
// a secret inside an error message or a nested object comes out as
// [secret]. Strings are cut at MAX_LOG_STRING_CHARS: a log line is bounded.
import { createRequire } from 'node:module';
import { pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';

/** pino-pretty is loaded only for a terminal: a process under a supervisor never pays its start-up cost. */
const requireModule = createRequire(import.meta.url);

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Readonly<Record<string, unknown>>;

export type ProcessLog = {
  readonly level: LogLevel;
  trace(event: string, fields?: LogFields): void;
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
};

export type ProcessLogOptions = {
  /** Fields of every line (who logs: `{ replica: 0 }`, `{ role: 'member', member: 1 }`). */
  readonly base?: LogFields;
  /** Strings that must never be written (secret keys as hex); each occurrence becomes [secret]. */
  readonly secrets?: readonly string[];
  /** Default: WEDGE_LOG_LEVEL, else info. */
  readonly level?: LogLevel;
  /** Default: stdout, pretty when it is a terminal (WEDGE_LOG_PRETTY=0 keeps JSON). Tests pass their own. */
  readonly destination?: { write(line: string): void };
};

export const MAX_LOG_STRING_CHARS = 2_000;
/** Secrets shorter than this are refused: scrubbing a short string would garble ordinary output. */
const MIN_SECRET_CHARS = 16;
/** Field names whose values are never logged, wherever they appear. */
const REDACTED_FIELDS = ['secretKey', 'secret', 'privateKey', 'macKey', 'password'];

export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const wanted = env.WEDGE_LOG_LEVEL;
  return LOG_LEVELS.find((level) => level === wanted) ?? 'info';
}

/** Bigints as decimal strings (as on the wire), long strings cut, so every value is plain JSON of bounded size. */
function plain(fields: LogFields): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(fields, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (typeof value === 'string' && value.length > MAX_LOG_STRING_CHARS) return `${value.slice(0, MAX_LOG_STRING_CHARS)}…`;
      if (value instanceof Error) return { name: value.name, message: value.message.slice(0, MAX_LOG_STRING_CHARS) };
      return value;
    }),
  ) as Record<string, unknown>;
}

export function createProcessLog(options: ProcessLogOptions = {}): ProcessLog {
  const secrets = (options.secrets ?? []).flatMap((secret) => {
    if (secret.length < MIN_SECRET_CHARS) throw new RangeError(`a secret to scrub must have at least ${MIN_SECRET_CHARS} characters`);
    return secret === secret.toUpperCase() ? [secret] : [secret, secret.toUpperCase()];
  });
  const scrub = (line: string): string => {
    let clean = line;
    for (const secret of secrets) if (clean.includes(secret)) clean = clean.replaceAll(secret, '[secret]');
    return clean;
  };
  const level = options.level ?? logLevelFromEnv();
  const base = options.base ?? {};
  const logger: Logger = pino(
    {
      level,
      base: null,
      messageKey: 'message',
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_FIELDS.flatMap((name) => [name, `*.${name}`, `*.*.${name}`]), censor: '[redacted]' },
      hooks: { streamWrite: scrub },
    },
    destinationOf(options.destination),
  );
  const write = (at: LogLevel) => (event: string, fields: LogFields = {}) => {
    if (!logger.isLevelEnabled(at)) return;
    logger[at]({ event, ...plain(base), ...plain(fields) });
  };
  return { level, trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function destinationOf(given: ProcessLogOptions['destination']): DestinationStream {
  if (given !== undefined) return { write: (line: string) => given.write(line) };
  if (process.stdout.isTTY === true && process.env.WEDGE_LOG_PRETTY !== '0') {
    const pretty = requireModule('pino-pretty') as (options: PrettyOptions) => DestinationStream;
    return pretty({ sync: true, colorize: true, destination: 1, messageFormat: '{event}', ignore: 'event', singleLine: true });
  }
  return pino.destination({ fd: 1, sync: true });
}
