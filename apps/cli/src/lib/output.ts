// What a command prints. Every command builds one result object; `--json`
// prints it as one line of JSON on stdout (bigints as decimal strings, so
// scripts never meet a rounded number), otherwise the command's own readable
// form (tables and key-value lines). Progress and warnings go to stderr so
// that stdout stays clean for scripts.

export type Row = Record<string, string | number | bigint | boolean | null>;

/** JSON with bigint as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
}

function cell(value: Row[string]): string {
  if (value === null) return '-';
  return String(value);
}

/** A table with a header row, columns padded to their widest cell; numbers right-aligned. */
export function table(rows: readonly Row[], columns?: readonly string[]): string {
  const keys = columns ?? (rows[0] === undefined ? [] : Object.keys(rows[0]));
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => keys.map((key) => cell(row[key] ?? null)));
  const widths = keys.map((key, index) => Math.max(key.length, ...cells.map((line) => line[index]!.length)));
  const numeric = keys.map((key) => rows.every((row) => typeof row[key] === 'number' || typeof row[key] === 'bigint'));
  const pad = (text: string, index: number) => (numeric[index] ? text.padStart(widths[index]!) : text.padEnd(widths[index]!));
  const lines = [keys.map((key, index) => pad(key.toUpperCase(), index)), ...cells.map((line) => line.map(pad))];
  return lines.map((line) => line.join('  ').trimEnd()).join('\n');
}

/** Aligned `label  value` lines. */
export function fields(entries: readonly [string, Row[string]][]): string {
  const width = Math.max(0, ...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `${label.padEnd(width)}  ${cell(value)}`).join('\n');
}

export type Printer = {
  readonly json: boolean;
  /** The command's result: JSON when --json, else `human()`. */
  result(value: unknown, human: () => string): void;
  /** Progress for people, on stderr; silent with --json so scripts see only the result. */
  progress(message: string): void;
};

export function createPrinter(json: boolean, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Printer {
  return {
    json,
    result(value, human) {
      out.write(`${json ? toJson(value) : human()}\n`);
    },
    progress(message) {
      if (!json) err.write(`${message}\n`);
    },
  };
}
