// Command-line arguments of the L2 process, validated with zod like every
// other boundary. `--watchtower` alone selects watchtower mode; followed by a
// URL it names a member's watchtower.
import { z } from 'zod';

const MAX_URL_LENGTH = 2_048;

const HttpUrl = z
  .string()
  .max(MAX_URL_LENGTH)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'expected an http(s) URL');
const Port = z.coerce.number().int().min(0).max(65_535);
const positive = (max: number) => z.coerce.number().int().min(1).max(max);

const MemberArgs = z.strictObject({
  mode: z.literal('member'),
  genesis: z.string().min(1),
  channel: z.string().regex(/^[0-9a-f]{64}$/, 'a channel id is 64 lowercase hex characters'),
  key: z.string().min(1),
  peers: z.array(HttpUrl).min(2).max(16),
  data: z.string().min(1),
  port: Port.optional(),
  watchtower: HttpUrl.optional(),
  progressTimeoutMs: positive(3_600_000).default(3_000),
  maxBatch: positive(2_000).default(500),
  paymentWaitMs: positive(600_000).default(10_000),
  l1PollMs: positive(60_000).default(200),
});

const WatchtowerArgs = z.strictObject({
  mode: z.literal('watchtower'),
  genesis: z.string().min(1),
  key: z.string().min(1),
  data: z.string().min(1),
  port: Port,
  l1PollMs: positive(60_000).default(200),
});

export const Args = z.discriminatedUnion('mode', [MemberArgs, WatchtowerArgs]);
export type Args = z.infer<typeof Args>;
export type MemberArgs = z.infer<typeof MemberArgs>;
export type WatchtowerArgs = z.infer<typeof WatchtowerArgs>;

export const USAGE = `usage:
  l2-node --genesis FILE --channel ID --key FILE --peers URL,URL,... --data DIR [--port P]
          [--watchtower URL] [--progress-timeout-ms N] [--max-batch N] [--payment-wait-ms N] [--l1-poll-ms N]
  l2-node --watchtower --genesis FILE --key FILE --data DIR --port P [--l1-poll-ms N]`;

const FLAGS: Record<string, string> = {
  '--genesis': 'genesis',
  '--channel': 'channel',
  '--key': 'key',
  '--peers': 'peers',
  '--data': 'data',
  '--port': 'port',
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
      return `${flagOf(issue.path[0])}: ${raw[issue.path[0] as string] === undefined ? 'required' : issue.message}`;
    })
    .join('; ');
}
