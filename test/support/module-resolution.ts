// Resolves an import specifier to a file the way Node's ESM resolver does,
// for the purity check (purity-check.ts), but under a chosen set of
// conditions — the portable ones ("wedge-portable", "import", "default"),
// never "node" — so that a package's "exports" and "imports" maps select what
// a non-Node platform would load. Handles relative paths (a TypeScript source
// may name `x.js` for `x.ts`), `#` subpath imports, bare package names with
// subpaths through node_modules (pnpm's symlinks followed to real paths), and
// "exports" targets that are strings, arrays or condition objects, with `*`
// patterns. Node builtins are not resolved: the caller reports them.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export const PORTABLE_CONDITIONS: readonly string[] = ['wedge-portable', 'import', 'default'];

const BUILTINS = new Set(builtinModules);

/** True for `node:x` and for a bare name of a Node builtin (`fs`, `crypto`, `fs/promises`). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

export class ResolveError extends Error {
  override readonly name = 'ResolveError';
}

type PackageJson = { name?: string; main?: string; exports?: unknown; imports?: unknown };

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function readPackageJson(directory: string): PackageJson {
  return JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as PackageJson;
}

/** The nearest directory at or above `from` that holds a package.json. */
function packageScope(from: string): string | null {
  for (let directory = from; ; directory = dirname(directory)) {
    if (isFile(join(directory, 'package.json'))) return directory;
    if (dirname(directory) === directory) return null;
  }
}

/** A target of an "exports" or "imports" entry under `conditions`, or null where it exports nothing. */
function resolveTarget(target: unknown, patternMatch: string | null, packageDirectory: string, conditions: readonly string[]): string | null {
  if (typeof target === 'string') {
    const path = patternMatch === null ? target : target.split('*').join(patternMatch);
    if (!path.startsWith('./')) throw new ResolveError(`target "${path}" in ${packageDirectory} does not start with ./`);
    return join(packageDirectory, path);
  }
  if (Array.isArray(target)) {
    for (const item of target) {
      const resolved = resolveTarget(item, patternMatch, packageDirectory, conditions);
      if (resolved !== null) return resolved;
    }
    return null;
  }
  if (target !== null && typeof target === 'object') {
    // Keys in the package's order; the first one among the conditions wins.
    for (const [key, value] of Object.entries(target)) {
      if (!conditions.includes(key)) continue;
      const resolved = resolveTarget(value, patternMatch, packageDirectory, conditions);
      if (resolved !== null) return resolved;
    }
  }
  return null;
}

/** Looks `key` up in an "exports" or "imports" map: an exact entry, else the longest `*` pattern that matches. */
function resolveInMap(map: Record<string, unknown>, key: string, packageDirectory: string, conditions: readonly string[]): string | null {
  if (Object.hasOwn(map, key)) return resolveTarget(map[key], null, packageDirectory, conditions);
  let best: { pattern: string; match: string } | null = null;
  for (const pattern of Object.keys(map)) {
    const star = pattern.indexOf('*');
    if (star === -1) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (!key.startsWith(prefix) || !key.endsWith(suffix) || key.length < prefix.length + suffix.length) continue;
    if (best === null || prefix.length > best.pattern.indexOf('*')) best = { pattern, match: key.slice(prefix.length, key.length - suffix.length) };
  }
  return best === null ? null : resolveTarget(map[best.pattern], best.match, packageDirectory, conditions);
}

function resolveExports(exports: unknown, subpath: string, packageDirectory: string, conditions: readonly string[]): string | null {
  const keyed = exports !== null && typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((key) => key.startsWith('.'));
  if (keyed) return resolveInMap(exports as Record<string, unknown>, subpath, packageDirectory, conditions);
  return subpath === '.' ? resolveTarget(exports, null, packageDirectory, conditions) : null;
}

/** `path` as a file: itself, or for a TypeScript source naming `x.js`, `x.ts`. */
function existingFile(path: string): string | null {
  if (isFile(path)) return realpathSync(path);
  if (path.endsWith('.js') && isFile(`${path.slice(0, -3)}.ts`)) return realpathSync(`${path.slice(0, -3)}.ts`);
  return null;
}

function findPackageDirectory(name: string, from: string): string | null {
  for (let directory = from; ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    if (isFile(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(directory) === directory) return null;
  }
}

/** The file `specifier`, imported from `importer`, loads under `conditions`. Throws ResolveError where it loads nothing. */
export function resolveSpecifier(specifier: string, importer: string, conditions: readonly string[] = PORTABLE_CONDITIONS): string {
  const from = dirname(importer);
  let path: string | null;
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/')) {
    path = resolve(from, specifier);
  } else if (specifier.startsWith('#')) {
    const scope = packageScope(from);
    const imports = scope === null ? undefined : readPackageJson(scope).imports;
    if (scope === null || imports === null || typeof imports !== 'object') throw new ResolveError(`${specifier}: no "imports" map above ${importer}`);
    path = resolveInMap(imports as Record<string, unknown>, specifier, scope, conditions);
  } else {
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    const subpath = `.${specifier.slice(name.length)}`;
    const directory = findPackageDirectory(name, from);
    if (directory === null) throw new ResolveError(`${specifier}: package ${name} not found from ${importer}`);
    const manifest = readPackageJson(directory);
    if (manifest.exports !== undefined) path = resolveExports(manifest.exports, subpath, directory, conditions);
    else path = join(directory, subpath === '.' ? (manifest.main ?? 'index.js') : subpath);
  }
  const file = path === null ? null : existingFile(path);
  if (file === null) throw new ResolveError(`${specifier}: resolves to no file from ${importer} under conditions ${conditions.join(', ')}`);
  return file;
}
