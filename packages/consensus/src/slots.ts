// The log: one slot per (view, sequence number), created on first use.
import { writable, type StepContext } from './context.ts';
import type { NormalCaseState, Slot } from './state.ts';

type Writes<Tx> = Pick<NormalCaseState<Tx>, 'slots'>;

/** The key of the slot of (view, seq) in NormalCaseState.slots. */
export function slotKey(view: number, seq: number): string {
  return `${view}:${seq}`;
}

export function slotOf<Tx>(c: StepContext<Tx, unknown>, view: number, seq: number): Slot<Tx> {
  const s = writable<Writes<Tx>>(c);
  const key = slotKey(view, seq);
  let slot = s.slots.get(key);
  if (slot === undefined) {
    slot = {
      view,
      seq,
      prePrepare: null,
      block: null,
      prepares: new Map(),
      commits: new Map(),
      sentPrepare: false,
      prepared: false,
      committed: false,
    };
    s.slots.set(key, slot);
  }
  return slot;
}
