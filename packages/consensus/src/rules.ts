import type { ConsensusConfig, ConsensusRules } from './types.ts';

export const HONEST_RULES: ConsensusRules = {
  quorum: (f) => 2 * f + 1,
  prepareMatches: (prePrepare, prepare) =>
    prePrepare.view === prepare.view && prePrepare.seq === prepare.seq && prePrepare.digest === prepare.digest,
  checkNewViewCertificates: true,
};

/** The largest f with n >= 3f + 1. */
export function faultsTolerated(config: ConsensusConfig): number {
  return Math.floor((config.replicas.length - 1) / 3);
}

export function primaryOf(config: ConsensusConfig, view: number): number {
  return view % config.replicas.length;
}
