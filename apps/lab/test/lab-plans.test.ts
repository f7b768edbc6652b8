// Proves the lab refuses what it cannot build before it touches the network
// (so these run without root): channel kinds other than star2..8 and
// chain2..8, or one kind twice; a partition naming an unknown node, a node
// in two groups, or fewer than two non-empty groups. And what it accepts
// becomes the expected plan: topology, member count and node names.
import { describe, expect, it } from 'vitest';
import { LAB_ERROR, LabError } from '../src/lab-error.ts';
import { memberNodeName, planChannels } from '../src/lab-channels.ts';
import type { LabRecord } from '../src/lab-registry.ts';
import { partition } from '../src/net-topology.ts';

function codeOf(action: () => unknown): string | null {
  try {
    action();
    return null;
  } catch (error) {
    return error instanceof LabError ? error.code : `not a LabError: ${String(error)}`;
  }
}

const record: LabRecord = {
  prefix: 'wl0000',
  subnet: 1,
  ownerPid: null,
  dir: '/nonexistent',
  bridge: 'wl0000br',
  nodes: ['r0', 'r1', 'r2', 'r3'].map((name, index) => ({ name, namespace: `wl0000-${name}`, address: `10.77.1.${index + 2}`, hostLink: `wl0000h${index}` })),
  processes: [],
  cuts: [],
  meta: {},
};

describe('lab plans', () => {
  it('channel kinds: star or chain with 2..8 members, each at most once', () => {
    expect(planChannels(['star2', 'chain3'])).toEqual([
      { label: 'star2', topology: 'star', members: 2 },
      { label: 'chain3', topology: 'chain', members: 3 },
    ]);
    expect(memberNodeName('chain3', 2)).toBe('chain3-m2');
    for (const bad of ['star1', 'star9', 'ring3', 'chain', 'star22', '']) expect(codeOf(() => planChannels([bad])), bad).toBe(LAB_ERROR.UNKNOWN_NODE);
    expect(codeOf(() => planChannels(['star2', 'star2']))).toBe(LAB_ERROR.UNKNOWN_NODE);
  });

  it('partitions name known nodes, each once, in at least two non-empty groups', () => {
    expect(codeOf(() => partition(record, [['r0', 'r9'], ['r1']]))).toBe(LAB_ERROR.UNKNOWN_NODE);
    expect(codeOf(() => partition(record, [['r0', 'r1'], ['r1', 'r2']]))).toBe(LAB_ERROR.BAD_PARTITION);
    expect(codeOf(() => partition(record, [['r0', 'r1', 'r2', 'r3']]))).toBe(LAB_ERROR.BAD_PARTITION);
    expect(codeOf(() => partition(record, [['r0'], []]))).toBe(LAB_ERROR.BAD_PARTITION);
    expect(record.cuts).toEqual([]);
  });
});
