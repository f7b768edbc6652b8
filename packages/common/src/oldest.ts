// Evicting the oldest entry of a Map or Set in amortized constant time.
//
// A Map (or Set) iterates in insertion order, so `keys().next()` names the
// oldest entry — but V8 keeps a deleted entry as a hole in its table until the
// table is next rebuilt, and a fresh iterator walks every hole from the front.
// A bounded cache that evicts its oldest entry on every insert therefore pays
// for all the holes before it on every insert: at 50,000 entries that measured
// ~23 µs an insert instead of ~0.1 µs, which made a replica's interner and its
// executed-hash window the slowest things it did after a minute of load.
//
// One iterator per collection, kept between calls, passes each hole once. It
// still names the oldest entry: every entry it has passed was deleted by this
// function, and an entry added (or added again) later is appended behind it.
// The cursors are held weakly, so a collection that is dropped (or replaced,
// as a simulator's clone replaces a state's) takes its cursor with it.

import { assert } from './assert.ts';

type Keyed<K> = Map<K, unknown> | Set<K>;

const cursors = new WeakMap<Keyed<unknown>, Iterator<unknown>>();

/** Deletes the first entry in insertion order and returns its key; undefined when empty. */
export function deleteOldest<K>(collection: Keyed<K>): K | undefined {
  if (collection.size === 0) return undefined;
  let cursor = cursors.get(collection) as Iterator<K> | undefined;
  if (cursor === undefined) {
    cursor = collection.keys() as Iterator<K>;
    cursors.set(collection, cursor);
  }
  const next = cursor.next();
  // Everything before the cursor was deleted, so it cannot run out while the collection has entries.
  assert(next.done !== true, 'deleteOldest: the cursor ran out while the collection has entries');
  collection.delete(next.value);
  return next.value;
}
