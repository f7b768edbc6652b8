// A channel member's key file, which is also its L1 account key (members sign
// L1 channel transactions from the account that deposited). The format is the
// one the repository's tools write — a JSON object with `secretKey` (64 hex)
// and any other fields — or, for keys kept by hand, the bare 64 hex. Like the
// replica's key files, a file others may read is refused: a dashboard that
// signs payments must not normalise leaking keys.
import { readFileSync, statSync } from 'node:fs';
import { fromHex } from '@wedge/common';
import { isValidSecretKey, keyPairFromSecret, type KeyPair } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { z } from 'zod';

export type MemberKey = KeyPair & { readonly path: string };

const SECRET_HEX = /^[0-9a-f]{64}$/;
const MAX_KEY_FILE_BYTES = 64 * 1024;

const KeyFileObject = z.looseObject({ secretKey: z.string().regex(SECRET_HEX) });

const EXPECTED = 'expected JSON with "secretKey": 64 lowercase hex characters, or the bare 64 hex';

function secretHexOf(text: string): string {
  const trimmed = text.trim();
  if (SECRET_HEX.test(trimmed)) return trimmed;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new Error(EXPECTED);
  }
  const parsed = KeyFileObject.safeParse(json);
  if (!parsed.success) throw new Error(EXPECTED);
  return parsed.data.secretKey;
}

export function readMemberKey(path: string): MemberKey {
  let mode: number;
  let size: number;
  try {
    ({ mode, size } = statSync(path));
  } catch (cause) {
    throw new Error(`cannot read key file ${path}: ${(cause as Error).message}`, { cause });
  }
  if ((mode & 0o077) !== 0) throw new Error(`key file ${path} is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  if (size > MAX_KEY_FILE_BYTES) throw new Error(`key file ${path} is larger than ${MAX_KEY_FILE_BYTES} bytes`);
  let secretHex: string;
  try {
    secretHex = secretHexOf(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new Error(`key file ${path}: ${(cause as Error).message}`, { cause });
  }
  const secretKey = fromHex(secretHex);
  if (!isValidSecretKey(secretKey)) throw new Error(`key file ${path} holds no valid secp256k1 secret key`);
  return { ...keyPairFromSecret(fastSecp256k1, secretKey), path };
}
