// Replica key files: `{ "id": n, "secretKey": "<64 hex>" }`, written with mode 0600.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fromHex, isHex, toHex } from '@wedge/common';
import { z } from 'zod';

const KeyFile = z.strictObject({
  id: z.number().int().min(0).max(63),
  secretKey: z.string().refine((value) => isHex(value, 32), 'secretKey must be 64 lowercase hex characters'),
});

export function writeKeyFile(path: string, id: number, secretKey: Uint8Array): void {
  writeSecretFile(path, `${JSON.stringify({ id, secretKey: toHex(secretKey) }, null, 2)}\n`);
}

/**
 * Writes a file that holds secrets, mode 0600. A mode given to writeFileSync
 * applies only to a file it creates — over an older file readable by others
 * the secret would land in that file, readable by others — so the text goes
 * to a new file (created 0600, refused if one of its name exists) that then
 * replaces the old one.
 */
export function writeSecretFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path);
}

export function readKeyFile(path: string): { id: number; secretKey: Uint8Array } {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new Error(`key file ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  const parsed = KeyFile.parse(JSON.parse(readFileSync(path, 'utf8')));
  return { id: parsed.id, secretKey: fromHex(parsed.secretKey) };
}
