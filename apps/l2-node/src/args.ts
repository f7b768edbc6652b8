// Command-line arguments of the L2 process, validated with zod like every
// other boundary. `--watchtower` alone selects watchtower mode; followed by a
// URL it names a member's watchtower.
//
// Where a process listens: a member on the host and port of its own URL in
// --peers, a watchtower on those of its --url; --port keeps that host and
// changes the port; --listen HOST:PORT binds elsewhere than the public URL
// says (a container, a NAT, 0.0.0.0). A watchtower given only --port listens
// on 127.0.0.1 (one machine).
import { parseListenAddress } from '@wedge/api';
import { z } from 'zod';

const MAX_URL_LENGTH = 2_048;

const HttpUrl = z
  .string()
  .max(MAX_URL_LENGTH)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'expected an http(s) URL');
const Port = z.coerce.number().int().min(0).max(65_535);
const Listen = z
  .string()
  .max(300)
  .transform((value, context) => {
    const address = parseListenAddress(value);
    if (address === null) {
      context.addIssue({ code: 'custom', message: 'expected HOST:PORT (IPv6 as [ADDRESS]:PORT)' });
      return z.NEVER;
    }
    return address;
  });
const positive = (max: number) => z.coerce.number().int().min(1).max(max);

const MemberArgs = z.strictObject({
  mode: z.literal('member'),
  genesis: z.string().min(1),
  channel: z.string().regex(/^[0-9a-f]{64}$/, 'a channel id is 64 lowercase hex characters'),
  key: z.string().min(1),
  peers: z.array(HttpUrl).min(2).max(16),
  data: z.string().min(1),
  port: Port.optional(),
  listen: Listen.optional(),
  watchtower: HttpUrl.optional(),
  progressTimeoutMs: positive(3_600_000).default(3_000),
  maxBatch: positive(2_000).default(500),
  paymentWaitMs: positive(600_000).default(10_000),
  l1PollMs: positive(60_000).default(200),
});

const WatchtowerArgs = z
  .strictObject({
    mode: z.literal('watchtower'),
    genesis: z.string().min(1),
    key: z.string().min(1),
    data: z.string().min(1),
    /** The watchtower's own URL, as members are given it (--watchtower URL): it listens on its host and port. */
    url: HttpUrl.optional(),
    port: Port.optional(),
    listen: Listen.optional(),
    l1PollMs: positive(60_000).default(200),
  })
  .refine((args) => args.url !== undefined || args.port !== undefined || args.listen !== undefined, { message: 'give --url, --port or --listen', path: ['url'] });

const NotBoth = (args: { port?: number; listen?: unknown }) => args.port === undefined || args.listen === undefined;
export const Args = z.discriminatedUnion('mode', [MemberArgs, WatchtowerArgs]).refine(NotBoth, { message: 'give --port or --listen, not both', path: ['listen'] });
export type Args = z.infer<typeof Args>;
export type MemberArgs = z.infer<typeof MemberArgs>;
export type WatchtowerArgs = z.infer<typeof WatchtowerArgs>;

export const USAGE = `usage:
  l2-node --genesis FILE --channel ID --key FILE --peers URL,URL,... --data DIR [--port P | --listen HOST:PORT]
          [--watchtower URL] [--progress-timeout-ms N] [--max-batch N] [--payment-wait-ms N] [--l1-poll-ms N]
  l2-node --watchtower --genesis FILE --key FILE --data DIR (--url URL | --port P | --listen HOST:PORT) [--l1-poll-ms N]`;

const FLAGS: Record<string, string> = {
  '--genesis': 'genesis',
  '--channel': 'channel',
  '--key': 'key',
  '--peers': 'peers',
  '--data': 'data',
  '--port': 'port',
  '--listen': 'listen',
  '--url': 'url',
  '--progress-timeout-ms': 'progressTimeoutMs',
  '--max-batch': 'maxBatch',
  '--payment-wait-ms': 'paymentWaitMs',
  '--l1-poll-ms': 'l1PollMs',
};

/** The parsed arguments, or a message saying what is wrong. */
export function parseArgs(argv: readonly string[]): Args | string {
  const raw: Record<string, unknown> = { mode: 'member' };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--watchtower') {
      const next = argv[index + 1];
      if (next !== undefined && /^https?:/.test(next)) {
        raw.watchtower = next;
        index += 1;
      } else {
        raw.mode = 'watchtower';
      }
      continue;
    }
    const name = FLAGS[flag];
    if (name === undefined) return `unknown argument ${flag}`;
    const value = argv[++index];
    if (value === undefined) return `${flag} needs a value`;
    if (name in raw) return `${flag} given twice`;
    raw[name] = name === 'peers' ? value.split(',').filter((url) => url !== '') : value;
  }
  const parsed = Args.safeParse(raw);
  if (parsed.success) return parsed.data;
  const flagOf = (name: PropertyKey | undefined) => Object.keys(FLAGS).find((flag) => FLAGS[flag] === name) ?? '--watchtower URL';
  return parsed.error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') return `${issue.keys.map(flagOf).join(', ')} not allowed with ${raw.mode === 'watchtower' ? '--watchtower' : 'a member'}`;
      const given = raw[issue.path[0] as string] !== undefined;
      // A rule across flags (one of, not both) says itself what is wrong; a missing flag is "required".
      if (issue.code === 'custom' && !given) return issue.message;
      return `${flagOf(issue.path[0])}: ${given ? issue.message : 'required'}`;
    })
    .join('; ');
}
