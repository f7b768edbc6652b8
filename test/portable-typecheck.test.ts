// Proves that each core, and each package a core imports, typechecks as
// portable code: `tsc -p` on its tsconfig.json, which extends
// tsconfig.portable.json (no Node types, "#sha256" resolved to its portable
// module), reports no error. Also proves that this check has teeth — a source
// that uses Buffer, process, a timer or a Node module fails to compile under
// the same settings — and that under them @wedge/crypto's "#sha256" is the
// portable module, never the Node one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const PORTABLE_PACKAGES = ['common', 'crypto', 'ledger', 'consensus', 'channel'];

function tsc(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [TSC, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

describe('portable typecheck', () => {
  for (const name of PORTABLE_PACKAGES) {
    it(`passes for packages/${name} without Node's types`, () => {
      const result = tsc('-p', join('packages', name, 'tsconfig.json'), '--noEmit');
      expect(result.output).toBe('');
      expect(result.status).toBe(0);
    });
  }

  it('resolves "#sha256" to the portable module and leaves out the Node-only entry', () => {
    const result = tsc('-p', join('packages', 'crypto', 'tsconfig.json'), '--noEmit', '--listFilesOnly');
    expect(result.status).toBe(0);
    const files = result.output.split('\n');
    expect(files.some((file) => file.endsWith('packages/crypto/src/platform/sha256-portable.ts'))).toBe(true);
    expect(files.filter((file) => file.endsWith('sha256-node.ts') || file.includes('packages/crypto/src/node/'))).toEqual([]);
  });

  describe('fails', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'wedge-portable-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('on a source that uses Buffer, process, a timer or a Node module', () => {
      writeFileSync(
        join(scratch, 'impure.ts'),
        [
          "import { readFileSync } from 'node:fs';",
          "export const bytes = Buffer.from('00', 'hex');",
          'export const home = process.env.HOME;',
          'export const timer = setTimeout(() => {}, 1);',
          'export const read = readFileSync;',
        ].join('\n'),
      );
      writeFileSync(
        join(scratch, 'tsconfig.json'),
        JSON.stringify({ extends: join(ROOT, 'tsconfig.portable.json'), include: [join(scratch, 'impure.ts')] }),
      );
      const result = tsc('-p', join(scratch, 'tsconfig.json'), '--noEmit');
      expect(result.status).not.toBe(0);
      for (const [line, name] of [[1, 'node:fs'], [2, 'Buffer'], [3, 'process'], [4, 'setTimeout']] as const) {
        expect(result.output).toMatch(new RegExp(`impure\\.ts\\(${line},\\d+\\): error TS\\d+: Cannot find (name|module) '${name}'`));
      }
    });
  });
});
