// Proves the process log writes one JSON object per line with its level, an
// ISO time, the event and the base fields (bigints as decimal strings, long
// strings cut); honours its level; and never writes a secret at any level —
// a field named like one is redacted wherever it is nested, and the
// process's own secret is scrubbed wherever it appears (a message, an error,
// an array, upper case), while the same text is left alone where it is not a
// secret.
import { describe, expect, it } from 'vitest';
import { LOG_LEVELS, MAX_LOG_STRING_CHARS, createProcessLog, type LogLevel } from '../src/process-log.ts';

const SECRET = '5f'.repeat(32);

function capture(level: LogLevel = 'trace') {
  const lines: string[] = [];
  const log = createProcessLog({ base: { replica: 2 }, secrets: [SECRET], level, destination: { write: (line) => lines.push(line) } });
  return { log, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('the process log', () => {
  it('writes one JSON line per event with level, time, event and base fields', () => {
    const { log, lines, parsed } = capture('info');
    log.info('listening', { port: 7100, amount: 10n ** 30n });
    log.debug('not shown');
    log.warn('peer-unreachable', { peer: 1, note: 'x'.repeat(MAX_LOG_STRING_CHARS + 50) });
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    const [first, second] = parsed();
    expect(first).toMatchObject({ level: 'info', event: 'listening', replica: 2, port: 7100, amount: '1000000000000000000000000000000' });
    expect(Date.parse(String(first!.time))).not.toBeNaN();
    expect(second).toMatchObject({ level: 'warn', event: 'peer-unreachable' });
    expect(String(second!.note).length).toBe(MAX_LOG_STRING_CHARS + 1);
    expect(parsed()).toHaveLength(2);
  });

  it.each(LOG_LEVELS.filter((level) => level !== 'fatal'))('never writes a secret at level %s', (level) => {
    const { log, lines } = capture('trace');
    const write = log[level as Exclude<LogLevel, 'fatal'>];
    write('key-loaded', { secretKey: SECRET, keyFile: { id: 0, secretKey: SECRET }, nested: { deeper: { secret: 'abc' } } });
    write('oops', { error: new Error(`could not parse key ${SECRET}`), copies: [SECRET, SECRET.toUpperCase()], text: `file: {"secretKey":"${SECRET}"}` });
    const output = lines.join('');
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(SECRET.toUpperCase());
    expect(output).not.toContain('"abc"');
    expect(output).toContain('[secret]');
    expect(output).toContain('[redacted]');
  });

  it('leaves other hex alone and refuses secrets too short to scrub safely', () => {
    const { log, parsed } = capture();
    log.info('block', { root: '6a'.repeat(32) });
    expect(parsed()[0]).toMatchObject({ root: '6a'.repeat(32) });
    expect(() => createProcessLog({ secrets: ['abc'], destination: { write: () => {} } })).toThrow(RangeError);
  });
});
