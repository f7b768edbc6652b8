// The one builder of the L1 transaction for each channel action. Every party
// that acts on L1 about a channel — the member and watchtower processes, the
// simulator, the `wedge` CLI and the dashboard — builds it here from the
// action and the certificate (a `submit-l1` effect, or one a user picked),
// so that what a core asks for is exactly what L1 receives.
import { assert } from '@wedge/common';
import type { ChannelChallengeBody, ChannelCloseBody, ChannelSettleBody, ChannelTerminateBody, ChannelWithdrawBody, TxBody } from '@wedge/ledger';
import type { Certificate, L1Action } from './types.ts';

type WithoutSender<Body> = Omit<Body, 'chainId' | 'from' | 'nonce'>;

/** A channel action's transaction body, before its sender, nonce and chain are set. */
export type ChannelActionBody =
  | WithoutSender<ChannelTerminateBody>
  | WithoutSender<ChannelChallengeBody>
  | WithoutSender<ChannelCloseBody>
  | WithoutSender<ChannelWithdrawBody>
  | WithoutSender<ChannelSettleBody>;

/**
 * The body of `action` on `channelId`. `certificate`: the state to submit —
 * for a termination null stands for the opening state (version 0, which
 * needs no signatures); a challenge, a close and a withdraw need one; a
 * settle takes none.
 */
export function channelActionBody(channelId: string, action: L1Action, certificate: Certificate | null): ChannelActionBody {
  switch (action) {
    case 'terminate':
      return {
        type: 'channel.terminate',
        channelId,
        state: certificate === null ? null : certificate.state,
        stateSignatures: certificate === null ? [] : [...certificate.signatures],
      };
    case 'challenge':
    case 'close':
    case 'withdraw':
      assert(certificate !== null, `channel ${action} needs a certificate`);
      return { type: `channel.${action}`, channelId, state: certificate.state, stateSignatures: [...certificate.signatures] };
    case 'settle':
      return { type: 'channel.settle', channelId };
  }
}

/** The whole transaction body, for a sender that sets the chain id itself (the simulator, tests). */
export function channelActionTx(sender: { readonly chainId: string; readonly from: string; readonly nonce: number }, channelId: string, action: L1Action, certificate: Certificate | null): TxBody {
  return { ...channelActionBody(channelId, action, certificate), chainId: sender.chainId, from: sender.from, nonce: sender.nonce };
}

/** A member's top-up of `amount` (DESIGN §7), before its sender, nonce and chain are set: it needs no certificate. */
export function channelDepositBody(channelId: string, amount: bigint): { readonly type: 'channel.deposit'; readonly channelId: string; readonly amount: bigint } {
  return { type: 'channel.deposit', channelId, amount };
}
