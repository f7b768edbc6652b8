// Command-line values, validated with zod as commander hands them over. A
// value that fails becomes commander's InvalidArgumentError, so commander
// names the option ("option '--amount <amount>' argument '-5' is invalid")
// and main.ts exits with code 2. Amounts are decimal strings parsed to bigint:
// a JSON or JavaScript number would silently round above 2^53.
import { InvalidArgumentError } from 'commander';
import { MAX_AMOUNT, MAX_CHALLENGE_BLOCKS, MAX_CHANNEL_MEMBERS, MIN_CHALLENGE_BLOCKS, MIN_CHANNEL_MEMBERS } from '@wedge/ledger';
import { z } from 'zod';

/** Digits only, no sign, no leading zeros; the length bound keeps BigInt cheap, the range check below gives the real limit. */
const DECIMAL = /^(0|[1-9][0-9]{0,99})$/;

export const Amount = z
  .string()
  .regex(DECIMAL, 'expected a whole number of units in decimal digits (no sign, decimal point, exponent or leading zeros)')
  .transform((text) => BigInt(text))
  .refine((value) => value <= MAX_AMOUNT, `at most ${MAX_AMOUNT} (10^30)`);

export const PositiveAmount = Amount.refine((value) => value > 0n, 'must be greater than 0');

const ADDRESS_PATTERN = /^[0-9a-fA-F]{40}$/;
const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]{0,31}$/;

/** An address is 40 hex characters; upper case is accepted and normalized, since people paste addresses. */
export const Address = z
  .string()
  .regex(ADDRESS_PATTERN, 'expected an address: 40 hex characters')
  .transform((text) => text.toLowerCase());

/** Names of local keys: short, safe as file names, and never mistaken for an address. */
export const AccountName = z
  .string()
  .regex(NAME_PATTERN, 'expected a name: a letter, then up to 31 letters, digits, - or _');

/** An address (normalized to lower case) or a local account name; which one is decided later, by resolveAddress. */
export const AddressOrName = z
  .string()
  .refine((text) => ADDRESS_PATTERN.test(text) || NAME_PATTERN.test(text), 'expected an address (40 hex characters) or an account name')
  .transform((text) => (ADDRESS_PATTERN.test(text) ? text.toLowerCase() : text));

/** Channel ids, like every id on L1, are 64 lowercase hex characters; a unique prefix of 6+ also names a local channel. */
export const ChannelRef = z
  .string()
  .regex(/^[0-9a-fA-F]{6,64}$/, 'expected a channel id: 64 hex characters, or a unique prefix of at least 6')
  .transform((text) => text.toLowerCase());

function boundedInt(min: number, max: number) {
  return z
    .string()
    .regex(/^[0-9]{1,9}$/, 'expected a whole number')
    .transform(Number)
    .refine((value) => value >= min && value <= max, `must be between ${min} and ${max}`);
}

export const ReplicaCount = boundedInt(4, 64);
export const AccountCount = boundedInt(0, 10_000);
export const Port = boundedInt(1024, 65_000);
export const Version = boundedInt(0, 999_999_999);
export const ChallengeBlocks = boundedInt(MIN_CHALLENGE_BLOCKS, MAX_CHALLENGE_BLOCKS);
export const Count = boundedInt(1, 100_000);
export const TimeoutSeconds = boundedInt(1, 3_600);

export const Topology = z.enum(['star', 'chain'], { error: 'expected star or chain' });

/** One host per replica for `network up --hosts`: names, IPv4 or IPv6 addresses, comma-separated (each replica listens there). */
export const HostList = z
  .string()
  .transform((text) => text.split(','))
  .pipe(z.array(z.string().regex(/^(?:[A-Za-z0-9.-]{1,253}|[0-9a-fA-F:]{2,39})$/, 'expected a host name, IPv4 or IPv6 address')).min(4).max(64));

function commaList<T extends z.ZodType<unknown, string>>(item: T, what: string) {
  return z
    .string()
    .transform((text) => text.split(','))
    .pipe(z.array(item).min(MIN_CHANNEL_MEMBERS, `at least ${MIN_CHANNEL_MEMBERS} ${what}`).max(MAX_CHANNEL_MEMBERS, `at most ${MAX_CHANNEL_MEMBERS} ${what}`));
}

export const MemberNames = commaList(AccountName, 'members').refine((names) => new Set(names).size === names.length, 'members must be distinct');
export const Deposits = commaList(Amount, 'deposits');

/** The first issue of a failed parse, as one line a person can act on. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid value';
  const where = issue.path.length > 0 ? `item ${issue.path.map(String).join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** A commander argParser that validates with `schema`. */
export function parseWith<T extends z.ZodType>(schema: T): (value: string) => z.output<T> {
  return (value: string) => {
    const result = schema.safeParse(value);
    if (!result.success) throw new InvalidArgumentError(firstIssue(result.error));
    return result.data;
  };
}
