// A member's link to its watchtower: every new certificate is pushed, newest
// wins (a certificate supersedes every older one, so only the latest waiting
// one is kept). The member first asks the watchtower to watch its channel; a
// watchtower that is down is retried with backoff, and never slows the member.
import type { Certificate } from '@wedge/channel';
import { L2Error, createWatchtowerClient, type WatchtowerClient } from './l2-client.ts';
import type { Logger } from './logger.ts';

const BACKOFF_MS_MIN = 100;
const BACKOFF_MS_MAX = 5_000;

export class WatchtowerPusher {
  private readonly client: WatchtowerClient;
  private next: Certificate | null = null;
  private pushedVersion = -1;
  private watching = false;
  private running = false;
  private stopped = false;
  private backoffMs = 0;

  constructor(
    url: string,
    private readonly channelId: string,
    private readonly log: Logger,
  ) {
    this.client = createWatchtowerClient(url, 5_000);
  }

  push(certificate: Certificate): void {
    if (certificate.state.version <= Math.max(this.pushedVersion, this.next?.state.version ?? -1)) return;
    this.next = certificate;
    if (!this.running) void this.run();
  }

  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.stopped && this.next !== null) {
        const certificate = this.next;
        try {
          if (!this.watching) {
            await this.client.watch(this.channelId);
            this.watching = true;
          }
          await this.client.push(this.channelId, certificate);
          this.done(certificate);
        } catch (error) {
          if (!(error instanceof L2Error)) throw error;
          const refused = error.httpStatus !== null && error.httpStatus >= 400 && error.httpStatus < 500;
          if (error.code === 'STALE_STATE') {
            // It already holds this version or a newer one.
            this.done(certificate);
          } else if (refused && error.code !== 'UNKNOWN_CHANNEL') {
            // Refused for good (a bug on one side): retrying the same certificate cannot help.
            this.log.info('watchtower-refused', { version: certificate.state.version, code: error.code, message: error.message });
            this.done(certificate);
          } else {
            // Down, overloaded, or it forgot the channel (its data was lost): watch again, after a pause.
            if (error.code === 'UNKNOWN_CHANNEL') this.watching = false;
            await this.backoff(error.code);
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  private done(certificate: Certificate): void {
    this.pushedVersion = Math.max(this.pushedVersion, certificate.state.version);
    if (this.next === certificate) this.next = null;
    this.backoffMs = 0;
  }

  private async backoff(code: string): Promise<void> {
    if (this.backoffMs === 0) this.log.info('watchtower-unavailable', { code });
    this.backoffMs = Math.min(BACKOFF_MS_MAX, Math.max(BACKOFF_MS_MIN, this.backoffMs * 2));
    await new Promise((resolve) => setTimeout(resolve, this.backoffMs));
  }
}
