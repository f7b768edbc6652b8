// Proves the payer's seq window says what a set of every applied seq would
// say, in bounded memory: over random runs of seqs (in order, shuffled, with
// gaps and leaps past the window), a seq is `applied` exactly when it was
// marked and is still inside the window, `too-old` exactly when it is at or
// below the window's floor (highest - PAYER_SEQ_WINDOW), and `fresh`
// otherwise; so a seq once marked is never fresh again (no replay), and the
// window is the same whatever the order in which seqs arrived.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAYER_SEQ_WINDOW, SeqCounter, copySeqWindow, createSeqWindow, markSeq, nextSeqs, seqStatus, type SeqStatus } from '../src/index.ts';

/** The reference: every seq ever marked, and the highest. */
function expected(marked: ReadonlySet<number>, highest: number, seq: number): SeqStatus {
  if (seq <= highest - PAYER_SEQ_WINDOW) return 'too-old';
  return marked.has(seq) ? 'applied' : 'fresh';
}

const seqRun = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 3 * PAYER_SEQ_WINDOW }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
  ),
  { maxLength: 300 },
);

describe('payer seq window', () => {
  it('agrees with the set of all marked seqs, and a marked seq is never fresh again', () => {
    fc.assert(
      fc.property(seqRun, fc.array(fc.integer({ min: 1, max: 1_000_010 }), { maxLength: 50 }), (run, probes) => {
        const window = createSeqWindow();
        const marked = new Set<number>();
        let highest = 0;
        for (const seq of run) {
          const status = seqStatus(window, seq);
          expect(status).toBe(expected(marked, highest, seq));
          if (status !== 'fresh') continue;
          markSeq(window, seq);
          marked.add(seq);
          highest = Math.max(highest, seq);
          expect(seqStatus(window, seq)).toBe('applied');
        }
        expect(window.highest).toBe(highest);
        for (const seq of [...probes, ...run]) expect(seqStatus(window, seq)).toBe(expected(marked, highest, seq));
      }),
      { numRuns: 300 },
    );
  });

  it('ends the same whatever order the seqs of one window arrive in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: PAYER_SEQ_WINDOW }), { minLength: 1, maxLength: 200 }), fc.nat(), (seqs, seed) => {
        const inOrder = createSeqWindow();
        for (const seq of [...seqs].sort((a, b) => a - b)) markSeq(inOrder, seq);
        const shuffled = createSeqWindow();
        const order = [...seqs].sort((a, b) => ((a * 2654435761 + seed) % 97) - ((b * 2654435761 + seed) % 97));
        for (const seq of order) markSeq(shuffled, seq);
        expect(shuffled).toEqual(inOrder);
      }),
    );
  });

  it('keeps a copy apart from its original, and refuses to mark a seq twice', () => {
    const window = createSeqWindow();
    markSeq(window, 7);
    const copy = copySeqWindow(window);
    markSeq(copy, 8);
    expect(seqStatus(window, 8)).toBe('fresh');
    expect(() => markSeq(window, 7)).toThrow();
    expect(window.bits.length).toBe(PAYER_SEQ_WINDOW / 8);
  });

  it('tells a client a seq above what is applied or waiting, and a counter never goes back', () => {
    const windows = [createSeqWindow(), createSeqWindow()];
    markSeq(windows[0]!, 4);
    expect(nextSeqs(windows, [{ from: 1, seq: 9 }, { from: 0, seq: 2 }])).toEqual([5, 10]);
    const counter = new SeqCounter();
    expect([counter.next(), counter.next(), counter.next(10), counter.next(3)]).toEqual([1, 2, 10, 11]);
    counter.atLeast(20);
    counter.atLeast(5);
    expect(counter.next()).toBe(20);
  });
});
