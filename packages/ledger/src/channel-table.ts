// The ledger's channel records by id, keeping count of the frozen ones as
// records are set. "Is any channel frozen?" (hasFrozenChannel) is the
// consensus core's needsIdleBlocks: it asks after every block and on idle
// steps, and answered by a walk over every channel ever opened it cost a
// settle at 10,000 channels a thousand times what it costs at 10 (counted in
// packages/sim/src/scale/ledger-scale.ts). Records are never edited in place
// (types.ts: the ledger replaces a record to change it), so counting at set
// and delete sees every change of status.
import type { ChannelRecord } from './types.ts';

export class ChannelTable extends Map<string, ChannelRecord> {
  #frozen = 0;

  // No entries at construction: Map's constructor would call set before #frozen exists.
  constructor() {
    super();
  }

  /** How many records have status 'frozen'. */
  get frozenCount(): number {
    return this.#frozen;
  }

  override set(id: string, record: ChannelRecord): this {
    if (super.get(id)?.status === 'frozen') this.#frozen -= 1;
    if (record.status === 'frozen') this.#frozen += 1;
    return super.set(id, record);
  }

  override delete(id: string): boolean {
    if (super.get(id)?.status === 'frozen') this.#frozen -= 1;
    return super.delete(id);
  }

  override clear(): void {
    this.#frozen = 0;
    super.clear();
  }
}
