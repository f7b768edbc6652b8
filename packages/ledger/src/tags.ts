// Domain tags (DESIGN §2): each kind of signed or hashed ledger object gets its
// own `wedge/<chainId>/<kind>` tag, so a signature over a transaction body can
// never pass as a channel-state signature, nor one chain's as another's.
import { domainTag } from '@wedge/crypto';

/** What senders (and, for channel.open, every member) sign: the tx body. */
export function txTag(chainId: string): string {
  return domainTag(chainId, 'tx');
}

/** What channel members sign: a channel state. */
export function channelStateTag(chainId: string): string {
  return domainTag(chainId, 'channel-state');
}

/** Names a whole signed transaction (its id). */
export function txIdTag(chainId: string): string {
  return domainTag(chainId, 'tx-id');
}

/** Names a whole ledger state (its root). */
export function stateRootTag(chainId: string): string {
  return domainTag(chainId, 'ledger-state');
}
