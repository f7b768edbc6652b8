// What the persist-then-act loop guarantees a shell: a batch's steps are
// persisted in ONE call before ANY of its effects is performed, effects are
// performed in the order the steps produced them, a persist (or a step) that
// throws performs nothing and stops the loop, and the bounds hold — the inbox
// refuses offers at its cap (admitting the shell's own events), a batch takes
// at most each lane's cap, lanes in order, and a budgeted lane yields after
// its budget.
import { describe, expect, it } from 'vitest';
import { StepLoop, type StepLoopHandlers, type StepLoopOptions } from '../src/step-loop.ts';

type Event = { readonly id: number; readonly effects?: number };
type Effect = { readonly from: number; readonly index: number };

/** A loop whose drains run when the test says, recording every call to its handlers. */
function harness(options: Partial<StepLoopOptions> = {}, overrides: Partial<StepLoopHandlers<Event, Effect, number>> = {}) {
  const log: string[] = [];
  const scheduled: (() => void)[] = [];
  let persists = 0;
  const handlers: StepLoopHandlers<Event, Effect, number> = {
    step: (event, effects) => {
      log.push(`step ${event.id}`);
      for (let index = 0; index < (event.effects ?? 1); index++) effects.push({ from: event.id, index });
    },
    persist: (effects) => {
      persists += 1;
      log.push(`persist ${effects.length}`);
      return persists;
    },
    perform: (effect, receipt) => log.push(`perform ${effect.from}.${effect.index} #${receipt}`),
    performed: (receipt) => log.push(`performed #${receipt}`),
    ...overrides,
  };
  const loop = new StepLoop<Event, Effect, number>(
    { maxQueuedEvents: 10, lanes: [{ maxPerBatch: 100 }], schedule: (drain) => scheduled.push(drain), ...options },
    handlers,
  );
  const runNext = (): void => {
    const drain = scheduled.shift();
    if (drain === undefined) throw new Error('no drain scheduled');
    drain();
  };
  return { loop, log, scheduled, runNext };
}

describe('StepLoop: persist, then act', () => {
  it('steps the whole batch, persists it in one call, then performs every effect in order', () => {
    const { loop, log, runNext } = harness();
    loop.offer({ id: 1, effects: 2 });
    loop.offer({ id: 2, effects: 0 });
    loop.offer({ id: 3, effects: 1 });
    runNext();
    expect(log).toEqual(['step 1', 'step 2', 'step 3', 'persist 3', 'perform 1.0 #1', 'perform 1.1 #1', 'perform 3.0 #1', 'performed #1']);
    expect(loop.stats).toEqual({ batches: 1, events: 3 });
  });

  it('persists a batch whose steps produced no effect (its state changed all the same)', () => {
    const { loop, log, runNext } = harness();
    loop.offer({ id: 1, effects: 0 });
    runNext();
    expect(log).toEqual(['step 1', 'persist 0', 'performed #1']);
  });

  it('schedules one drain however many events arrive before it runs, and another while events remain', () => {
    const { loop, scheduled, runNext } = harness({ lanes: [{ maxPerBatch: 2 }] });
    for (let id = 0; id < 5; id++) loop.offer({ id });
    expect(scheduled).toHaveLength(1);
    runNext();
    expect(loop.queued).toBe(3);
    expect(scheduled).toHaveLength(1);
    runNext();
    runNext();
    expect(loop.queued).toBe(0);
    expect(scheduled).toHaveLength(0);
    expect(loop.stats).toEqual({ batches: 3, events: 5 });
  });

  it('performs nothing of a batch whose persist throws, stops, and rethrows', () => {
    const { loop, log, runNext } = harness(
      {},
      {
        persist: () => {
          throw new Error('disk full');
        },
      },
    );
    loop.offer({ id: 1 });
    loop.offer({ id: 2 });
    expect(() => runNext()).toThrow('disk full');
    expect(log).toEqual(['step 1', 'step 2']);
    expect(loop.failed).toBe(true);
    expect(loop.stopped).toBe(true);
    expect(loop.offer({ id: 3 })).toBe(false);
    loop.admit({ id: 4 });
    expect(loop.queued).toBe(0);
  });

  it('persists and performs nothing of a batch whose step throws', () => {
    const { loop, log, runNext } = harness(
      {},
      {
        step: (event, effects) => {
          log.push(`step ${event.id}`);
          effects.push({ from: event.id, index: 0 });
          if (event.id === 2) throw new Error('assertion failed');
        },
      },
    );
    loop.offer({ id: 1 });
    loop.offer({ id: 2 });
    expect(() => runNext()).toThrow('assertion failed');
    expect(log).toEqual(['step 1', 'step 2']);
    expect(loop.failed).toBe(true);
  });

  it('stops after an effect that throws (the rest of the batch is not performed)', () => {
    const { loop, log, runNext } = harness(
      {},
      {
        perform: (effect) => {
          log.push(`perform ${effect.from}`);
          if (effect.from === 1) throw new Error('bug');
        },
      },
    );
    loop.offer({ id: 1 });
    loop.offer({ id: 2 });
    expect(() => runNext()).toThrow('bug');
    expect(log).toEqual(['step 1', 'step 2', 'persist 2', 'perform 1']);
    expect(loop.stopped).toBe(true);
  });

  it('handles no event after stop, not even one already scheduled', () => {
    const { loop, log, scheduled } = harness();
    loop.offer({ id: 1 });
    loop.stop();
    scheduled.shift()!();
    expect(log).toEqual([]);
    expect(loop.offer({ id: 2 })).toBe(false);
  });
});

describe('StepLoop: bounds', () => {
  it('refuses offers at the cap, admits the shell’s own events, and counts both', () => {
    const { loop, runNext } = harness({ maxQueuedEvents: 3 });
    expect([1, 2, 3, 4].map((id) => loop.offer({ id }))).toEqual([true, true, true, false]);
    expect(loop.hasRoomFor(1)).toBe(false);
    loop.admit({ id: 5 });
    expect(loop.queued).toBe(4);
    runNext();
    expect(loop.queued).toBe(0);
    expect(loop.hasRoomFor(3)).toBe(true);
    expect(loop.hasRoomFor(4)).toBe(false);
  });

  it('takes at most each lane’s cap per batch, the lanes in order', () => {
    const { loop, log, runNext } = harness({ maxQueuedEvents: 100, lanes: [{ maxPerBatch: 2 }, { maxPerBatch: 1 }] });
    loop.offer({ id: 10, effects: 0 }, 1);
    loop.offer({ id: 11, effects: 0 }, 1);
    for (let id = 0; id < 3; id++) loop.offer({ id, effects: 0 });
    runNext();
    expect(log.filter((line) => line.startsWith('step'))).toEqual(['step 0', 'step 1', 'step 10']);
    log.length = 0;
    runNext();
    expect(log.filter((line) => line.startsWith('step'))).toEqual(['step 2', 'step 11']);
  });

  it('stops taking from a budgeted lane once its budget is spent, after its minimum', () => {
    let nowMs = 0;
    const stepped: number[] = [];
    const { loop, runNext } = harness(
      { maxQueuedEvents: 100, lanes: [{ maxPerBatch: 100 }, { maxPerBatch: 100, budgetMs: 10, minPerBatch: 2 }], clockMs: () => nowMs },
      {
        step: (event) => {
          stepped.push(event.id);
          nowMs += 4; // each payment costs 4 ms
        },
      },
    );
    for (let id = 0; id < 10; id++) loop.offer({ id }, 1);
    runNext();
    // Two taken regardless; the third starts at 8 ms spent (< 10); after it 12 ms are spent, so no fourth.
    expect(stepped).toEqual([0, 1, 2]);
    nowMs += 1_000;
    stepped.length = 0;
    loop.offer({ id: 99 }, 0);
    runNext();
    expect(stepped).toEqual([99, 3, 4, 5]);
  });

  it('never takes more than a budgeted lane’s cap, however fast its events', () => {
    const { loop, log, runNext } = harness({ maxQueuedEvents: 100, lanes: [{ maxPerBatch: 1 }, { maxPerBatch: 3, budgetMs: 1_000 }], clockMs: () => 0 });
    for (let id = 0; id < 5; id++) loop.offer({ id, effects: 0 }, 1);
    runNext();
    expect(log.filter((line) => line.startsWith('step'))).toEqual(['step 0', 'step 1', 'step 2']);
  });

  it('rejects limits that are not positive integers', () => {
    expect(() => harness({ maxQueuedEvents: 0 })).toThrow(RangeError);
    expect(() => harness({ lanes: [{ maxPerBatch: 1.5 }] })).toThrow(RangeError);
    expect(() => harness({ lanes: [] })).toThrow(RangeError);
  });
});
