// Small typed readers for decoding a snapshot. A snapshot may come from another
// replica (state transfer), which may be Byzantine, so every field is checked
// and a failure names the path of the bad field.
import type { Canonical } from '@wedge/crypto';
import { LedgerError } from './errors.ts';
import { hasExactKeys, isAddress, isCount, isHash, isRecord, type UnknownRecord } from './shape.ts';

export function snapshotError(path: string, problem: string): LedgerError {
  return new LedgerError('MALFORMED', `invalid ledger snapshot at ${path}: ${problem}`, { details: { path } });
}

export function readRecord(value: Canonical | unknown, path: string, keys: readonly string[]): UnknownRecord {
  if (!isRecord(value) || !hasExactKeys(value, keys)) throw snapshotError(path, `expected an object with keys ${keys.join(', ')}`);
  return value;
}

/** A dense copy: the holes of a sparse array become undefined, which no item reader accepts. */
export function readArray(value: unknown, path: string, maxLength: number): unknown[] {
  if (!Array.isArray(value)) throw snapshotError(path, 'expected an array');
  if (value.length > maxLength) throw snapshotError(path, `more than ${maxLength} items`);
  return Array.from(value as unknown[]);
}

export function readCount(value: unknown, path: string): number {
  if (!isCount(value)) throw snapshotError(path, 'expected a non-negative safe integer');
  return value;
}

export function readAmount(value: unknown, path: string, max: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > max) throw snapshotError(path, `expected a bigint in 0..${max}`);
  return value;
}

export function readAddress(value: unknown, path: string): string {
  if (!isAddress(value)) throw snapshotError(path, 'expected 40 hex');
  return value;
}

export function readHash(value: unknown, path: string): string {
  if (!isHash(value)) throw snapshotError(path, 'expected 64 hex');
  return value;
}

export function readOneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw snapshotError(path, `expected one of ${options.join(', ')}`);
  }
  return value as T;
}

export function readNullable<T>(value: unknown, read: (value: unknown) => T): T | null {
  return value === null ? null : read(value);
}

/** Keys must be strictly ascending: sorted and without duplicates, so each state has one snapshot. */
export function assertAscending(previous: string | null, key: string, path: string): void {
  if (previous !== null && !(previous < key)) throw snapshotError(path, 'keys not strictly ascending');
}
