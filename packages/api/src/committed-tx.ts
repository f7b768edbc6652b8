// The transactions a committed block can hold. A block may carry any
// transaction that passed the ledger's static check at the replicas
// (`checkTxStatic`), and that check leaves two things to execution: the
// balances of a submitted channel state (any integer; a state that does not
// fit its channel is rejected then as INVALID_STATE) and the length of a
// state signature (1..128 bytes; verified against the members then). A client
// must still be able to read and verify such a block, or a Byzantine replica
// could make every transaction in it unprovable by getting one such
// transaction committed; so blocks are read with this looser schema.
import { MAX_SIGNATURE_BYTES } from '@wedge/ledger';
import { z } from 'zod';
import { txSchemas } from './tx-schema.ts';

/**
 * A decimal integer, possibly negative. The ledger sets no bound; this one
 * keeps BigInt parsing cheap (about 10 ms at the bound) and is far above any
 * balance an honest member signs.
 */
const MAX_COMMITTED_BALANCE_DIGITS = 100_000;

const committedBalance = z
  .string()
  .max(MAX_COMMITTED_BALANCE_DIGITS + 1)
  .regex(/^(0|-?[1-9][0-9]*)$/, 'expected a decimal integer');

const committedStateSignature = z
  .string()
  .regex(new RegExp(`^(?:[0-9a-f]{2}){1,${MAX_SIGNATURE_BYTES}}$`), 'expected lowercase hex of 1..128 bytes');

const committed = txSchemas({ balance: committedBalance, stateSignature: committedStateSignature });

/** A transaction inside a committed block. Its TypeScript type is WireSignedTx's. */
export const WireCommittedTx = committed.signedTx;
