// A member's link to its watchtower: every new certificate is pushed, newest
// wins — a certificate supersedes every older one, so one push runs and at
// most one waits (@wedge/shell's SerialJobs, which drops the older waiting
// one), and a push that keeps failing gives way to a newer certificate. The
// member first asks the watchtower to watch its channel; a watchtower that is
// down is retried with backoff, and never slows the member. A watchtower that
// says it holds a newer certificate must show one that checks
// (watchtower-check.ts); one that cannot is logged as lying
// ('watchtower-lied', with the code) and pushed to again.
import type { Certificate } from '@wedge/channel';
import { SerialJobs } from '@wedge/shell';
import type { SignatureScheme } from '@wedge/crypto';
import { L2Error, createWatchtowerClient, type WatchtowerClient } from './l2-client.ts';
import type { ExpectedChannel } from './watchtower-check.ts';
import type { Logger } from './logger.ts';

const BACKOFF_MS_MIN = 100;
const BACKOFF_MS_MAX = 5_000;

export class WatchtowerPusher {
  private readonly client: WatchtowerClient;
  private readonly jobs: SerialJobs<Certificate>;
  private pushedVersion = -1;
  /** The newest version handed to the runner (running or waiting). */
  private queuedVersion = -1;
  private watching = false;
  private stopped = false;
  private backoffMs = 0;

  /** `channel`: this member's channel as L1 records it, to check what the watchtower claims to hold. */
  constructor(
    url: string,
    private readonly channel: ExpectedChannel,
    private readonly scheme: SignatureScheme,
    private readonly log: Logger,
  ) {
    this.client = createWatchtowerClient(url, 5_000);
    this.jobs = new SerialJobs<Certificate>({
      maxWaitingJobs: 1,
      run: (certificate) => this.pushUntilDone(certificate),
      onError: (error, certificate) => {
        // Only a bug gets here (every answer, or missing answer, of the watchtower is an L2Error, handled above): crash.
        this.log.info('watchtower-push-failed', { version: certificate.state.version, error: String(error).slice(0, 200) });
        throw error;
      },
    });
  }

  push(certificate: Certificate): void {
    if (this.stopped || certificate.state.version <= Math.max(this.pushedVersion, this.queuedVersion)) return;
    this.queuedVersion = certificate.state.version;
    this.jobs.add(certificate);
  }

  stop(): void {
    this.stopped = true;
    this.jobs.stop();
  }

  /** Pushes one certificate until the watchtower holds it (or a newer one), refuses it for good, or a newer one waits. */
  private async pushUntilDone(certificate: Certificate): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.watching) {
          await this.client.watch(this.channel.channelId);
          this.watching = true;
        }
        await this.client.push(this.channel.channelId, certificate);
        return this.done(certificate);
      } catch (error) {
        if (!(error instanceof L2Error)) throw error;
        const refused = error.httpStatus !== null && error.httpStatus >= 400 && error.httpStatus < 500;
        // It says it holds this version or a newer one: believed only if it shows it (a lying watchtower would
        // have the member stop pushing and leave it unguarded). Otherwise logged, and pushed again after a pause.
        if (error.code === 'STALE_STATE') {
          const lie = await this.claimRefuted(certificate.state.version);
          if (lie === null) return this.done(certificate);
          this.log.info('watchtower-lied', { version: certificate.state.version, code: lie });
          await this.backoff(lie);
          if (this.jobs.waiting > 0) return;
          continue;
        }
        if (refused && error.code !== 'UNKNOWN_CHANNEL') {
          // Refused for good (a bug on one side): retrying the same certificate cannot help.
          this.log.info('watchtower-refused', { version: certificate.state.version, code: error.code, message: error.message });
          return this.done(certificate);
        }
        // Down, overloaded, or it forgot the channel (its data was lost): watch again, after a pause.
        if (error.code === 'UNKNOWN_CHANNEL') this.watching = false;
        await this.backoff(error.code);
        if (this.jobs.waiting > 0) return; // a newer certificate supersedes this one
      }
    }
  }

  /** Null when the watchtower shows a valid certificate at `version` or newer; the code of what is wrong with its claim otherwise. */
  private async claimRefuted(version: number): Promise<string | null> {
    try {
      await this.client.certificate(this.channel, this.scheme, version);
      return null;
    } catch (error) {
      if (!(error instanceof L2Error)) throw error;
      return error.code;
    }
  }

  private done(certificate: Certificate): void {
    this.pushedVersion = Math.max(this.pushedVersion, certificate.state.version);
    this.backoffMs = 0;
  }

  private async backoff(code: string): Promise<void> {
    if (this.backoffMs === 0) this.log.info('watchtower-unavailable', { code });
    this.backoffMs = Math.min(BACKOFF_MS_MAX, Math.max(BACKOFF_MS_MIN, this.backoffMs * 2));
    await new Promise((resolve) => setTimeout(resolve, this.backoffMs));
  }
}
