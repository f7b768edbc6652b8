// The purity check of DESIGN §1: walks the import graph from some entry files
// (the cores' src/index.ts), through every workspace package and npm package
// they reach, resolving "exports" and "imports" under the portable conditions
// (module-resolution.ts), and reports every file that imports a Node builtin
// or uses, outside comments and strings, a global that reaches I/O, the clock
// or randomness (source-tokens.ts). Each report names the file, the line, and
// the chain of imports that reached it.
//
// A third-party file may hold such a use in code the cores never run (noble's
// randomBytes, its async helpers); an Allowance names that file, the global,
// how many uses, and why. A use beyond an allowance, or an allowance that no
// longer matches what the file holds, is a violation: a dependency upgrade
// that changes either is reviewed again.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { isNodeBuiltin, PORTABLE_CONDITIONS, ResolveError, resolveSpecifier } from './module-resolution.ts';
import { tokenize, type Token } from './source-tokens.ts';

/** Globals a pure core may not touch, with what they stand for. */
export const FORBIDDEN_GLOBALS: Readonly<Record<string, string>> = {
  process: 'the process (environment, exit, I/O)',
  Buffer: "Node's Buffer",
  setTimeout: 'a timer',
  setInterval: 'a timer',
  setImmediate: 'a timer',
  clearTimeout: 'a timer',
  clearInterval: 'a timer',
  clearImmediate: 'a timer',
  queueMicrotask: 'the event loop',
  Date: 'the clock',
  performance: 'the clock',
  require: 'a CommonJS load',
  fetch: 'the network',
  XMLHttpRequest: 'the network',
  WebSocket: 'the network',
  crypto: "the platform's crypto (randomness)",
  globalThis: 'the global object (any global at all)',
  global: 'the global object (any global at all)',
  eval: 'code from strings',
  console: 'the console (I/O)',
};

/** Member accesses a pure core may not make: `object.property`. */
export const FORBIDDEN_MEMBERS: Readonly<Record<string, string>> = {
  'Math.random': 'randomness',
  'import.meta': "the module's location (a file system path)",
};

export type Violation = { file: string; line: number; problem: string; via: readonly string[] };

export type Allowance = {
  /** The file as purity-check names it: `@scope/package/path.js` inside node_modules, else relative to the root. */
  file: string;
  /** A key of FORBIDDEN_GLOBALS or FORBIDDEN_MEMBERS. */
  name: string;
  count: number;
  why: string;
};

export type PurityOptions = {
  /** Where names of files outside node_modules are relative to. */
  root: string;
  conditions?: readonly string[];
  allowances?: readonly Allowance[];
  /** A bound on the walk. */
  maxFiles?: number;
};

export type PurityReport = { files: string[]; violations: Violation[] };

const NOT_A_USE_BEFORE = new Set(['.', '?.']);
const MODIFIERS = new Set(['static', 'async', 'get', 'set', 'public', 'private', 'protected', 'override', 'readonly', '*']);

/** Names a file for reports: package-qualified inside node_modules, else relative to `root`. */
export function fileName(path: string, root: string): string {
  const marker = path.lastIndexOf('/node_modules/');
  return marker === -1 ? relative(root, path) : path.slice(marker + '/node_modules/'.length);
}

/** The index of the `)` that closes the `(` at `open`, or -1. */
function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let index = open; index < tokens.length; index++) {
    const text = tokens[index]!.kind === 'punctuator' ? tokens[index]!.text : '';
    if (text === '(') depth++;
    else if (text === ')' && --depth === 0) return index;
  }
  return -1;
}

/** Whether the identifier at `index` is a name being declared or accessed, not the global: `x.name`, `{ name: v }`, `name(a) {`. */
function isNotTheGlobal(tokens: readonly Token[], index: number): boolean {
  const previous = tokens[index - 1];
  const next = tokens[index + 1];
  if (previous !== undefined && previous.kind === 'punctuator' && NOT_A_USE_BEFORE.has(previous.text)) return true;
  const afterBracketOrComma = previous === undefined || (previous.kind === 'punctuator' && (previous.text === '{' || previous.text === ','));
  if (next?.text === ':' && afterBracketOrComma) return true; // an object key or a typed parameter
  if (next?.text === '(') {
    const declaresMethod = previous === undefined || ['{', '}', ';'].includes(previous.text) || MODIFIERS.has(previous.text);
    const close = closingParen(tokens, index + 1);
    const after = close === -1 ? undefined : tokens[close + 1];
    if (declaresMethod && (after?.text === '{' || after?.text === ':')) return true; // a method definition
  }
  return false;
}

type FileScan = { specifiers: { specifier: string; line: number }[]; uses: { name: string; line: number }[]; problems: { line: number; problem: string }[] };

/** The imports of one source and its uses of forbidden globals and members. */
export function scanSource(source: string): FileScan {
  const tokens = tokenize(source);
  const scan: FileScan = { specifiers: [], uses: [], problems: [] };
  tokens.forEach((token, index) => {
    if (token.kind !== 'identifier') return;
    const next = tokens[index + 1];
    const afterDot = tokens[index - 1]?.text === '.' || tokens[index - 1]?.text === '?.';
    if (token.text === 'from' && next?.kind === 'string') scan.specifiers.push({ specifier: next.text, line: next.line });
    if (token.text === 'import' && !afterDot) {
      if (next?.kind === 'string') scan.specifiers.push({ specifier: next.text, line: next.line });
      if (next?.text === '(') {
        const argument = tokens[index + 2];
        if (argument?.kind === 'string' && tokens[index + 3]?.text === ')') scan.specifiers.push({ specifier: argument.text, line: argument.line });
        else scan.problems.push({ line: token.line, problem: 'imports a computed specifier (import(...) of a non-literal)' });
      }
    }
    if (next?.text === '.' && tokens[index + 2]?.kind === 'identifier' && !afterDot) {
      const member = `${token.text}.${tokens[index + 2]!.text}`;
      if (Object.hasOwn(FORBIDDEN_MEMBERS, member)) scan.uses.push({ name: member, line: token.line });
    }
    if (Object.hasOwn(FORBIDDEN_GLOBALS, token.text) && !isNotTheGlobal(tokens, index)) scan.uses.push({ name: token.text, line: token.line });
  });
  return scan;
}

function describeUse(name: string): string {
  return `uses ${name} (${FORBIDDEN_GLOBALS[name] ?? FORBIDDEN_MEMBERS[name]})`;
}

/** Walks the graph from `entries` and reports every impure import or use. */
export function checkPurity(entries: readonly string[], options: PurityOptions): PurityReport {
  const conditions = options.conditions ?? PORTABLE_CONDITIONS;
  const maxFiles = options.maxFiles ?? 2_000;
  const name = (path: string): string => fileName(path, options.root);
  const parents = new Map<string, string | null>();
  const queue: string[] = [];
  const violations: Violation[] = [];
  const allowed = new Map((options.allowances ?? []).map((allowance) => [`${allowance.file}\u0000${allowance.name}`, allowance]));
  const counted = new Map<string, number>();
  const viaOf = (path: string): string[] => {
    const chain: string[] = [];
    for (let at = parents.get(path) ?? null; at !== null; at = parents.get(at) ?? null) chain.unshift(name(at));
    return chain;
  };
  const report = (path: string, line: number, problem: string): void => {
    violations.push({ file: name(path), line, problem, via: viaOf(path) });
  };
  for (const entry of entries) {
    if (!parents.has(entry)) {
      parents.set(entry, null);
      queue.push(entry);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    if (head >= maxFiles) throw new RangeError(`checkPurity: more than ${maxFiles} files in the graph`);
    const path = queue[head]!;
    const scan = scanSource(readFileSync(path, 'utf8'));
    for (const { line, problem } of scan.problems) report(path, line, problem);
    for (const { name: used, line } of scan.uses) {
      const key = `${name(path)}\u0000${used}`;
      if (allowed.has(key)) counted.set(key, (counted.get(key) ?? 0) + 1);
      else report(path, line, describeUse(used));
    }
    for (const { specifier, line } of scan.specifiers) {
      if (isNodeBuiltin(specifier)) {
        report(path, line, `imports the Node builtin "${specifier}"`);
        continue;
      }
      let target: string;
      try {
        target = resolveSpecifier(specifier, path, conditions);
      } catch (error) {
        if (!(error instanceof ResolveError)) throw error;
        report(path, line, `imports "${specifier}", which does not resolve under ${conditions.join(', ')}: ${error.message}`);
        continue;
      }
      if (!parents.has(target)) {
        parents.set(target, path);
        queue.push(target);
      }
    }
  }
  for (const [key, allowance] of allowed) {
    const found = counted.get(key) ?? 0;
    if (!queue.some((path) => name(path) === allowance.file)) {
      violations.push({ file: allowance.file, line: 0, problem: `allowance for ${allowance.name}, but the walk does not reach this file: remove it`, via: [] });
    } else if (found !== allowance.count) {
      violations.push({ file: allowance.file, line: 0, problem: `allowance for ${allowance.name} says ${allowance.count} uses, the file has ${found}: review it again`, via: [] });
    }
  }
  return { files: queue.map(name), violations };
}

/** Violations as text, one per line: `file:line problem (via a -> b)`. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map(({ file, line, problem, via }) => `${file}:${line} ${problem}${via.length > 0 ? ` (via ${via.join(' -> ')})` : ''}`).join('\n');
}
