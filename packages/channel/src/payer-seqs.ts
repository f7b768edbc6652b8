// Which payments of a payer are already applied, in bounded memory: each
// payment carries its payer's sequence number (`seq`, signed with it), and a
// member keeps, per payer, the highest seq applied and a window of the
// PAYER_SEQ_WINDOW seqs below it (a ring of bits), like the anti-replay
// window of IPsec or WireGuard. A payment is
// - `fresh` when its seq is inside the window and not marked, or above it;
// - `applied` when its seq is marked: a replay, or another payment signed
//   at the same seq (DUPLICATE_PAYMENT);
// - `too-old` when its seq is at or below the window's floor: it may have
//   been applied and no longer be remembered, so it is refused
//   (PAYMENT_SEQ_TOO_OLD) and can never apply twice.
// Seqs need not arrive in order or without gaps: a client signs its payments
// with increasing seqs, and any of them may be refused (insufficient funds)
// or reordered in flight without holding up the others. What a member
// remembers per payer is a number and PAYER_SEQ_WINDOW bits, whatever the
// traffic — the set of applied payment ids it kept before grew by about 100
// bytes a payment for ever.
//
// Every member applies the same certified payments in the same order, so
// every member holds the same windows: whether a payment is fresh in a
// proposal is decided alike by all (rule 1).
import { assert } from '@wedge/common';

/** Seqs remembered below a payer's highest applied one. A power of two, a multiple of 8. */
export const PAYER_SEQ_WINDOW = 4096;

/** Seqs are positive safe integers (0 is below every window: "nothing applied yet"). */
export function isPayerSeq(seq: unknown): seq is number {
  return typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1;
}

/** One payer's window: plain data (structured-clonable, serializable), changed only by markSeq. */
export type SeqWindow = {
  /** The highest seq applied; 0 before any. */
  highest: number;
  /** Bit `seq % PAYER_SEQ_WINDOW` says whether `seq` is applied, for seqs in (highest - PAYER_SEQ_WINDOW, highest]. */
  readonly bits: Uint8Array;
};

export type SeqStatus = 'fresh' | 'applied' | 'too-old';

export function createSeqWindow(): SeqWindow {
  return { highest: 0, bits: new Uint8Array(PAYER_SEQ_WINDOW / 8) };
}

export function copySeqWindow(window: SeqWindow): SeqWindow {
  return { highest: window.highest, bits: new Uint8Array(window.bits) };
}

function isSet(bits: Uint8Array, seq: number): boolean {
  const slot = seq % PAYER_SEQ_WINDOW;
  return (bits[slot >>> 3]! & (1 << (slot & 7))) !== 0;
}

function setBit(bits: Uint8Array, seq: number, on: boolean): void {
  const slot = seq % PAYER_SEQ_WINDOW;
  const mask = 1 << (slot & 7);
  bits[slot >>> 3] = on ? bits[slot >>> 3]! | mask : bits[slot >>> 3]! & ~mask;
}

export function seqStatus(window: SeqWindow, seq: number): SeqStatus {
  if (seq > window.highest) return 'fresh';
  if (seq <= window.highest - PAYER_SEQ_WINDOW) return 'too-old';
  return isSet(window.bits, seq) ? 'applied' : 'fresh';
}

/** Marks `seq` applied (it must be fresh), sliding the window up when it is the new highest. */
export function markSeq(window: SeqWindow, seq: number): void {
  assert(isPayerSeq(seq) && seqStatus(window, seq) === 'fresh', 'only a fresh seq is marked');
  if (seq > window.highest) {
    // The slots of the seqs the window slides past now stand for (highest, seq]: clear them.
    if (seq - window.highest >= PAYER_SEQ_WINDOW) window.bits.fill(0);
    else for (let passed = window.highest + 1; passed <= seq; passed++) setBit(window.bits, passed, false);
    window.highest = seq;
  }
  setBit(window.bits, seq, true);
}

/**
 * A client's count of one payer's seqs: each payment takes the next, and a
 * hint from a member (its nextSeqs) moves the count up past what the member
 * already knows, never down, so a client's own payments in flight never
 * share a seq.
 */
export class SeqCounter {
  private last = 0;

  next(hint = 0): number {
    this.last = Math.max(this.last + 1, hint);
    return this.last;
  }

  /** Makes the next seq taken at least `hint` (a member's nextSeqs), without taking one. */
  atLeast(hint: number): void {
    this.last = Math.max(this.last, hint - 1);
  }
}

/**
 * Per payer, a seq its next payment can take without colliding with one
 * applied or waiting here: one above the highest of both. What a member tells
 * a client that does not keep its own count (the CLI, the dashboard).
 */
export function nextSeqs(windows: readonly SeqWindow[], pending: Iterable<{ readonly from: number; readonly seq: number }>): number[] {
  const highest = windows.map((window) => window.highest);
  for (const payment of pending) highest[payment.from] = Math.max(highest[payment.from]!, payment.seq);
  return highest.map((seq) => seq + 1);
}
