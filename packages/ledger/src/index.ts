// @wedge/ledger: the L1 state machine (DESIGN §3). Pure and deterministic: no
// I/O, no clock, no randomness; time is the block height passed in.
export * from './types.ts';
export * from './errors.ts';
export * from './limits.ts';
export { HONEST_LEDGER_RULES, type LedgerRules } from './rules.ts';
export { txTag, channelStateTag, txIdTag, stateRootTag } from './tags.ts';
export { canonicalChannelState, canonicalTxBody, canonicalSignedTx } from './encoding.ts';
export {
  ZERO_HASH,
  openingState,
  channelStateHash,
  signChannelState,
  isChannelStateCertified,
  cloneChannelState,
} from './channel-state.ts';
export { signTx, txHash, txSigningPreimage, getTxSignatureValidity } from './tx-signing.ts';
export { TX_TYPES, checkTxStatic, checkWellFormedTxStatic, isWellFormedTx } from './static-check.ts';
export { getTxValidity, applyTx } from './apply-tx.ts';
export { MAX_NONCE_AHEAD, getAdmissionValidity, type AdmissionRefusal } from './admission.ts';
export { applyBlock } from './block.ts';
export { createLedger } from './genesis.ts';
export { getAccount } from './accounts.ts';
export { getChannel } from './channels.ts';
export { payoutsOf } from './transactions/pay-out.ts';
export { lockedFunds, totalFunds, hasFrozenChannel } from './funds.ts';
export { cloneLedger, cloneChannelRecord } from './clone.ts';
export { LEDGER_SNAPSHOT_FORMAT, encodeLedger, stateRoot } from './snapshot-encode.ts';
export { decodeLedger } from './snapshot-decode.ts';
export { createLedgerApp, type LedgerConsensusApp } from './consensus-app.ts';
