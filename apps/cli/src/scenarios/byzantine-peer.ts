// Acting as a Byzantine member from outside its process: with only that
// member's own key, send authenticated peer envelopes to the honest members
// (the MAC key is derived from its key, as its process would), and listen on
// its port to collect the votes the honest members send back. This is all a
// real Byzantine member can do; the honest members' keys are never touched.
import { createServer, type Server } from 'node:http';
import type { MemberMessage } from '@wedge/channel';
import { deriveChannelPeerKeys, macOf, memberMessageToWire, PEER_PATH } from '@wedge/l2-node';
import { z } from 'zod';
import type { ChannelEntry } from '../lib/channel-registry.ts';

const MAX_BODY_BYTES = 1024 * 1024;

export type Vote = { member: number; version: number; stateHash: string; signature: string };

const VoteMessage = z.object({ type: z.literal('vote'), version: z.int(), stateHash: z.string(), member: z.int(), signature: z.string() });
const Envelope = z.object({ messages: z.array(z.unknown()).max(256) });

export class ByzantinePeer {
  private constructor(
    private readonly channel: ChannelEntry,
    private readonly self: number,
    private readonly macKeyFor: (member: number) => Uint8Array | undefined,
  ) {}

  static create(chainId: string, channel: ChannelEntry, self: number, secretKey: Uint8Array, publicKeys: readonly string[]): ByzantinePeer {
    const keys = deriveChannelPeerKeys(chainId, channel.id, self, secretKey, publicKeys);
    return new ByzantinePeer(channel, self, keys.macKeyFor);
  }

  /** Sends `message` to member `to` in an envelope authenticated as ours; returns the HTTP status. */
  async send(to: number, message: MemberMessage): Promise<number> {
    const body = JSON.stringify({ channelId: this.channel.id, from: this.self, to, sentAtMs: Date.now(), messages: [memberMessageToWire(message)] });
    const response = await fetch(`${this.channel.members[to]!.url}${PEER_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wedge-mac': macOf(this.macKeyFor(to)!, body) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.text();
    return response.status;
  }

  /** Listens on our member's port (its process must be stopped) and collects the votes sent to us. */
  static async listenForVotes(port: number): Promise<{ votes: Vote[]; close(): Promise<void> }> {
    const votes: Vote[] = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      request.on('end', () => {
        try {
          const envelope = Envelope.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          for (const message of envelope.messages) {
            const vote = VoteMessage.safeParse(message);
            if (vote.success) votes.push({ member: vote.data.member, version: vote.data.version, stateHash: vote.data.stateHash, signature: vote.data.signature });
          }
        } catch {
          // Not an envelope we understand: ignore it, as a peer would.
        }
        // 204 like a member, so the honest side stops resending.
        response.statusCode = 204;
        response.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return {
      votes,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
}
