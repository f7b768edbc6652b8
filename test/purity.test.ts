// Proves DESIGN §1's first rule instead of claiming it: the protocol cores —
// @wedge/consensus, @wedge/ledger, @wedge/channel — and everything they import,
// transitively (@wedge/common, @wedge/crypto's pure entry, @noble/*), resolved
// under the portable conditions, import no Node builtin and use no process,
// Buffer, timer, clock, randomness, network, console or global object outside
// comments and strings. The Node-only half of @wedge/crypto and the Node
// sha256 are not reached. Then proves the check can fail: on small sources
// and packages written here, it finds each kind of impurity (two imports
// deep, with the chain that reached it), follows a platform-selected import
// to its portable module only, and does not mistake the same words in
// comments, strings, property names or method names for uses.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPurity, formatViolations, scanSource, type Allowance } from './support/purity-check.ts';

const ROOT = realpathSync(fileURLToPath(new URL('..', import.meta.url)));
const CORES = ['consensus', 'ledger', 'channel'].map((name) => join(ROOT, 'packages', name, 'src', 'index.ts'));

/**
 * Uses in @noble files that the cores never run. Wedge calls noble's
 * synchronous sign, verify, getPublicKey and getSharedSecret, with the
 * hashes set to noble's own sha256 and HMAC, and never asks for extra
 * entropy; randomness and the async helpers are other entry points of the
 * same modules.
 */
const ALLOWANCES: readonly Allowance[] = [
  {
    file: '@noble/secp256k1/index.js',
    name: 'globalThis',
    count: 2,
    why: 'globalThis.crypto.subtle for the async API (signAsync, verifyAsync) and crypto.getRandomValues for randomBytes (random keys, extraEntropy: true); Wedge uses neither',
  },
  {
    file: '@noble/hashes/utils.js',
    name: 'globalThis',
    count: 3,
    why: 'nextTick (the scheduler, for async KDFs) and randomBytes (crypto.getRandomValues); Wedge calls neither',
  },
  {
    file: '@noble/hashes/utils.js',
    name: 'Date',
    count: 3,
    why: "asyncLoop's time slices, used only by the async KDFs (scrypt, pbkdf2); Wedge hashes with sha256 and HMAC only",
  },
];

describe('the cores', () => {
  const report = checkPurity(CORES, { root: ROOT, allowances: ALLOWANCES });

  it('import nothing impure, transitively', () => {
    expect(formatViolations(report.violations)).toBe('');
  });

  it('are walked through common, the pure crypto entry, its portable sha256 and noble, and never reach the Node-only modules', () => {
    for (const file of [
      'packages/ledger/src/tx-signing.ts',
      'packages/channel/src/index.ts',
      'packages/consensus/src/step.ts',
      'packages/common/src/bytes.ts',
      'packages/crypto/src/index.ts',
      'packages/crypto/src/encoding.ts',
      'packages/crypto/src/platform/sha256-portable.ts',
      '@noble/hashes/sha2.js',
      '@noble/secp256k1/index.js',
    ]) {
      expect(report.files).toContain(file);
    }
    expect(report.files.filter((file) => file.startsWith('packages/crypto/src/node/') || file.endsWith('sha256-node.ts'))).toEqual([]);
  });
});

describe('the check', () => {
  const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'wedge-purity-')));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let fixtures = 0;

  /** Writes `files` (path → text) under a fresh directory and returns it. */
  function fixture(files: Record<string, string>): string {
    const root = join(scratch, String(fixtures++));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  const problemsOf = (source: string): string[] => {
    const scan = scanSource(source);
    return [...scan.uses.map((use) => `${use.line}:${use.name}`), ...scan.problems.map((problem) => `${problem.line}:${problem.problem}`)];
  };

  it('finds a Node builtin two imports deep, and names the chain', () => {
    const root = fixture({
      'core/index.ts': "export * from './a.ts';\n",
      'core/a.ts': "import { helper } from './b.ts';\nexport const a = helper;\n",
      'core/b.ts': "// pure, it says\nimport { createHash } from 'node:crypto';\nimport fs from 'fs';\nexport const helper = createHash;\n",
    });
    const { violations } = checkPurity([join(root, 'core/index.ts')], { root });
    expect(formatViolations(violations)).toBe(
      [
        'core/b.ts:2 imports the Node builtin "node:crypto" (via core/index.ts -> core/a.ts)',
        'core/b.ts:3 imports the Node builtin "fs" (via core/index.ts -> core/a.ts)',
      ].join('\n'),
    );
  });

  it('finds every forbidden global and member where it is used', () => {
    const source = [
      'const now = Date.now();',
      'const r = Math.random();',
      'const home = process.env.HOME;',
      'const b = Buffer.from("ab", "hex");',
      'setTimeout(() => {}, 1); setInterval(f, 2); setImmediate(f);',
      'const t = performance.now();',
      'const bytes = crypto.getRandomValues(new Uint8Array(8));',
      'const g = globalThis; const m = require("x");',
      'fetch("http://x"); console.log(1);',
      'const here = import.meta.url;',
      'const loaded = await import(name);',
      'const text = `at ${Date.now()} ok`;',
      'class X { run() { return typeof process; } }',
      'const p = { process };',
    ].join('\n');
    expect(problemsOf(source).sort()).toEqual(
      [
        '1:Date',
        '2:Math.random',
        '3:process',
        '4:Buffer',
        '5:setTimeout',
        '5:setInterval',
        '5:setImmediate',
        '6:performance',
        '7:crypto',
        '8:globalThis',
        '8:require',
        '9:fetch',
        '9:console',
        '10:import.meta',
        '11:imports a computed specifier (import(...) of a non-literal)',
        '12:Date',
        '13:process',
        '14:process',
      ].sort(),
    );
  });

  it('does not take the same words in comments, strings, templates, regular expressions, property names or method names for uses', () => {
    const source = [
      '// Date.now() and process.env are not allowed here; Buffer neither.',
      '/* setTimeout(f, 1); Math.random() */',
      "const words = 'process Buffer Date.now()' + \"fetch(x)\";",
      'const text = `Date.now() ${"setTimeout"} process`;',
      "const pattern = /process|Date\\/now|'/g; const half = 4 / 2; const ratio = (1) / 2 / 1;",
      'const record = { process: 1, Date: 2, Buffer: 3 };',
      'record.process; record?.Date; host.setTimeout; a.Math.random;',
      'class Md { process(view, offset) { return view; } static fetch(): void {} }',
      'type T = { performance: number };',
    ].join('\n');
    expect(problemsOf(source)).toEqual([]);
  });

  it('follows a platform-selected import to its portable module only, and to its Node module under the Node condition', () => {
    const root = fixture({
      'core/index.ts': "export { digest } from '#digest';\n",
      'core/package.json': JSON.stringify({
        name: 'core',
        type: 'module',
        imports: { '#digest': { 'wedge-portable': './digest-portable.ts', node: './digest-node.ts', default: './digest-portable.ts' } },
      }),
      'core/digest-portable.ts': 'export const digest = (bytes: Uint8Array): number => bytes.length;\n',
      'core/digest-node.ts': "import { hash } from 'node:crypto';\nexport const digest = hash;\n",
    });
    const entry = join(root, 'core/index.ts');
    const portable = checkPurity([entry], { root });
    expect(portable.violations).toEqual([]);
    expect(portable.files).toEqual(['core/index.ts', 'core/digest-portable.ts']);
    const node = checkPurity([entry], { root, conditions: ['node', 'import', 'default'] });
    expect(formatViolations(node.violations)).toBe('core/digest-node.ts:1 imports the Node builtin "node:crypto" (via core/index.ts)');
  });

  it('follows bare package names through node_modules and their "exports", and reports what does not resolve', () => {
    const root = fixture({
      'core/index.ts': "import { x } from 'dep/sub';\nimport { y } from 'dep/hidden';\nimport { z } from 'missing';\n",
      'core/node_modules/dep/package.json': JSON.stringify({ name: 'dep', exports: { './sub': { import: './sub.js' } } }),
      'core/node_modules/dep/sub.js': 'export const x = Date.now();\n',
    });
    const messages = checkPurity([join(root, 'core/index.ts')], { root }).violations.map((violation) => `${violation.file}:${violation.line} ${violation.problem.split(':')[0]}`);
    expect(messages).toEqual([
      'core/index.ts:2 imports "dep/hidden", which does not resolve under wedge-portable, import, default',
      'core/index.ts:3 imports "missing", which does not resolve under wedge-portable, import, default',
      'dep/sub.js:1 uses Date (the clock)',
    ]);
  });

  it('holds allowances to their exact count, and reports one that no longer matches', () => {
    const root = fixture({
      'core/index.ts': "import './lib.js';\n",
      'core/lib.js': 'export const a = () => globalThis;\nexport const b = () => globalThis;\n',
    });
    const entry = join(root, 'core/index.ts');
    const allowance = (count: number): Allowance[] => [{ file: 'core/lib.js', name: 'globalThis', count, why: 'test' }];
    expect(checkPurity([entry], { root, allowances: allowance(2) }).violations).toEqual([]);
    expect(formatViolations(checkPurity([entry], { root, allowances: allowance(1) }).violations)).toBe(
      'core/lib.js:0 allowance for globalThis says 1 uses, the file has 2: review it again',
    );
    const unreached: Allowance[] = [{ file: 'core/other.js', name: 'Date', count: 1, why: 'test' }];
    expect(formatViolations(checkPurity([entry], { root, allowances: [...allowance(2), ...unreached] }).violations)).toBe(
      'core/other.js:0 allowance for Date, but the walk does not reach this file: remove it',
    );
  });
});
