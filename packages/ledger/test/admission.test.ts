// Proves the rule a replica's mempool applies to a submitted transaction: a
// spent nonce (a replay) and a nonce more than MAX_NONCE_AHEAD ahead are
// refused with BAD_NONCE; the sender's next nonce is refused with the code
// the ledger would reject it with right now; a later nonce inside the window
// is taken on trust (a client's pipeline) and judged when it executes; and
// asking changes nothing.
import { createStandInScheme } from '@wedge/crypto';
import { describe, expect, it } from 'vitest';
import { MAX_NONCE_AHEAD, getAdmissionValidity, signTx, stateRoot } from '../src/index.ts';
import { GENESIS_BALANCE, commit, makeKeys, makeLedger, transferBody } from './fixtures.ts';

const scheme = createStandInScheme();
const [alice, bob] = makeKeys(scheme, 2, 'admission');

function transfer(nonce: number, amount = 1n) {
  return signTx(scheme, transferBody(alice!, nonce, bob!.address, amount), [alice!]);
}

describe('mempool admission', () => {
  it('refuses a spent nonce and one too far ahead, takes the window, judges the next nonce now', () => {
    const state = makeLedger([alice!, bob!]);
    commit(scheme, state, [transfer(0), transfer(1)]);
    const root = stateRoot(state);
    expect(getAdmissionValidity(scheme, state, transfer(1))?.code).toBe('BAD_NONCE');
    expect(getAdmissionValidity(scheme, state, transfer(0))?.reason).toContain('replay');
    expect(getAdmissionValidity(scheme, state, transfer(2))).toBeNull();
    expect(getAdmissionValidity(scheme, state, transfer(2 + MAX_NONCE_AHEAD))).toBeNull();
    expect(getAdmissionValidity(scheme, state, transfer(3 + MAX_NONCE_AHEAD))?.code).toBe('BAD_NONCE');
    // The next nonce is checked against the state: more than the balance is refused ...
    expect(getAdmissionValidity(scheme, state, transfer(2, GENESIS_BALANCE * 2n))?.code).toBe('INSUFFICIENT_FUNDS');
    // ... a later one is not (an earlier transfer in the pipeline may fund it, or not: execution decides).
    expect(getAdmissionValidity(scheme, state, transfer(3, GENESIS_BALANCE * 2n))).toBeNull();
    expect(stateRoot(state)).toBe(root);
  });
});
