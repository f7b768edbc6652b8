// The ledger at height 0, from the genesis file's chain id and balances. The
// genesis is external input (a file), so a bad one is a LedgerError, not an
// assertion: the node refuses to start and says why.
import { isChainId } from '@wedge/crypto';
import { ChannelTable } from './channel-table.ts';
import { LedgerError } from './errors.ts';
import { MAX_AMOUNT, MAX_GENESIS_ACCOUNTS } from './limits.ts';
import { isAddress } from './shape.ts';
import type { Account, Address, LedgerGenesis, LedgerState } from './types.ts';

function invalidGenesis(message: string, details: Record<string, unknown> = {}): LedgerError {
  return new LedgerError('MALFORMED', `invalid genesis: ${message}`, { details });
}

export function createLedger(genesis: LedgerGenesis): LedgerState {
  if (!isChainId(genesis.chainId)) throw invalidGenesis('chain id', { chainId: genesis.chainId });
  if (genesis.accounts.length > MAX_GENESIS_ACCOUNTS) {
    throw invalidGenesis(`more than ${MAX_GENESIS_ACCOUNTS} accounts`, { count: genesis.accounts.length });
  }
  const accounts = new Map<Address, Account>();
  let supply = 0n;
  for (const { address, balance } of genesis.accounts) {
    if (!isAddress(address)) throw invalidGenesis('address is not 40 lowercase hex', { address });
    if (accounts.has(address)) throw invalidGenesis('address listed twice', { address });
    if (typeof balance !== 'bigint' || balance < 0n || balance > MAX_AMOUNT) {
      throw invalidGenesis('balance out of range', { address });
    }
    accounts.set(address, { balance, nonce: 0 });
    supply += balance;
  }
  // Capping the supply caps every balance the ledger will ever hold.
  if (supply > MAX_AMOUNT) throw invalidGenesis(`supply exceeds ${MAX_AMOUNT}`);
  return { chainId: genesis.chainId, height: 0, accounts, channels: new ChannelTable(), supply };
}
