// fast-check generators of hostile HTTP input, shared by the fuzz suite:
// JSON written as text (so that it can hold what JSON.stringify never writes
// — `__proto__` keys, numbers beyond a double, duplicate keys, lone
// surrogates), raw bytes, deep nesting, bodies just over a server's limit,
// wrong and odd media types and encodings, path parameters and queries of
// every kind, and "one field off" variants of a valid object.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { RawRequest } from './raw-http.ts';

/** Keys that reach prototype machinery when a parser or a spread treats them as ordinary. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then'] as const;

/** Strings that have broken parsers, regexes, path handling and logs elsewhere. */
const ODD_STRINGS = [
  '', ' ', '\u0000', '\ud800', '\udfff', '\ufeff', '\u202e', '\u2028', '\r\n', '%', '%00', '%zz', '%ff', '../../../../etc/passwd', '..%2f..%2f',
  '__proto__', 'constructor', 'NaN', 'Infinity', '-0', '1e400', '0x10', '0b1', '00', '01', '+1', '1.0', '١٢٣', 'ＡＢＣ', '<script>alert(1)</script>',
  "' OR 1=1 --", '${process.exit()}', '{{7*7}}', 'null', 'true', '[]', '{}', '\\', '"', 'AB'.repeat(32), 'ab'.repeat(32), 'gg'.repeat(32), 'ab'.repeat(31),
  'ab'.repeat(33), '0x' + 'ab'.repeat(32), 'ab'.repeat(20), 'AB'.repeat(20), '😀'.repeat(20),
] as const;

/** Number tokens as JSON text: boundaries of integers and doubles, and literals no double can hold. */
const NUMBER_TOKENS = [
  '0', '-0', '1', '-1', '0.5', '-0.5', '1.5', '2147483647', '2147483648', '4294967296', '9007199254740991', '9007199254740992', '9007199254740993',
  '-9007199254740993', '1e21', '1e308', '1.7976931348623157e308', '1e309', '-1e400', '5e-324', '1e-400', '123456789012345678901234567890123456789012345678901234567890',
  '0.0000000000000000000000000000001', '1E2', '1e+2', '100000000000000000000000000000000000000000',
] as const;

export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-fA-F]{0,130}$/) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', '9', 'é', '\u0000'), fc.integer({ min: 1_000, max: 20_000 })).map(([unit, count]) => unit.repeat(count)) },
);

/** A JSON number token, some beyond what a double holds. */
export const numberToken: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NUMBER_TOKENS),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
  fc.bigInt({ min: -(10n ** 80n), max: 10n ** 80n }).map(String),
);

/** A JSON scalar written as text. */
export const scalarText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('null', 'true', 'false'),
  numberToken,
  oddString.map((value) => JSON.stringify(value)),
  // A decimal amount as a string, the way the APIs carry amounts: zero, negative, huge, padded.
  fc.oneof(fc.bigInt({ min: -(10n ** 45n), max: 10n ** 45n }).map(String), fc.constantFrom('0', '-0', '00', '1.5', '1e3', ' 1', '1 ')).map((value) => JSON.stringify(value)),
);

/** An object key: a field name the servers know, a prototype key, or anything. */
function keyText(knownKeys: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, ...(knownKeys.length === 0 ? ['type'] : knownKeys)), oddString).map((key) => JSON.stringify(key));
}

/** Random JSON text of any shape, a few levels deep, with keys drawn from `knownKeys` among others. */
export function jsonText(knownKeys: readonly string[] = []): fc.Arbitrary<string> {
  const { value } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth: 4 }, scalarText, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 6 }).map((items) => `[${items.join(',')}]`),
    object: fc.array(fc.tuple(keyText(knownKeys), tie('value')), { maxLength: 6 }).map((entries) => `{${entries.map(([key, item]) => `${key}:${item}`).join(',')}}`),
  }));
  return value;
}

/** Nesting far deeper than any schema: arrays, objects, or both. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 100, max: 100_000 }), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, kind]) => {
    if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth);
    if (kind === 'object') return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    return '[{"__proto__":'.repeat(depth) + 'null' + '}]'.repeat(depth);
  });

/** Text that is not JSON: cut, doubled, commented, or bytes of another encoding. */
export const brokenJson: fc.Arbitrary<string> = fc.oneof(
  jsonText().map((text) => text.slice(0, Math.max(0, text.length - 1))),
  fc.constantFrom('{', '[', '{"a":}', '{"a" 1}', "{'a':1}", '{"a":1,}', '[1,]', 'NaN', 'Infinity', 'undefined', '{"a":1}{"b":2}', '// x\n{}', '{"a":01}', '"\\x41"', '"\\u12"', '\ufeff{}'),
);

export type BodyLimits = { readonly bodyLimitBytes: number };

/** One buffer per limit, shared by every oversized case (a view of it each time), so that drawing cases stays cheap. */
const padding = new Map<number, Buffer>();

function paddingFor(bytes: number): Buffer {
  let buffer = padding.get(bytes);
  if (buffer === undefined) {
    buffer = Buffer.alloc(bytes, 0x78);
    buffer.write('{"pad":"', 0);
    padding.set(bytes, buffer);
  }
  return buffer;
}

/**
 * A body just over the server's limit, sent whole. (A body only declared
 * over the limit and never sent is a client holding a socket: body-parser
 * drains a refused body before answering, so such a request is answered when
 * the server's request timeout ends it, not here.)
 */
export function oversized({ bodyLimitBytes }: BodyLimits): fc.Arbitrary<{ body: Uint8Array; headers: Record<string, string> }> {
  return fc.integer({ min: 1, max: 4_096 }).map((extra) => ({ body: paddingFor(bodyLimitBytes + 4_096).subarray(0, bodyLimitBytes + extra), headers: {} }));
}

/** A path or query part escaped for a URL; a lone surrogate (which encodeURIComponent refuses) goes as the UTF-8 of its replacement. */
export function escapeForUrl(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
}

export const JSON_TYPE = 'application/json';

/** Content-Type headers: the right one in odd spellings, wrong ones, broken ones, or none (null). */
export const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(JSON_TYPE) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      null, 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=utf-16', 'application/json; charset=bogus', 'application/json;;;',
      'text/plain', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/*', '*/*', 'json',
      'application/vnd.api+json', 'application/merge-patch+json', '', ';', 'x/y; a="b',
    ),
  },
);

/** Content-Encoding headers; most bodies go uncompressed, some as gzip (possibly a bomb), some with encodings no server takes. */
export const contentEncoding: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'bogus', 'gzip, gzip', 'GZIP') },
);

/** One hostile body: random JSON, broken JSON, raw bytes, deep nesting, or text with a NUL. */
export function hostileBody(knownKeys: readonly string[]): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    { weight: 6, arbitrary: jsonText(knownKeys) },
    { weight: 2, arbitrary: brokenJson },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2_048 }) },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u0000', 'null', '0', '""', '[]', '{}') },
  );
}

/**
 * A POST of `bodies` (valid-looking ones from the caller mixed with hostile
 * ones) with random media types and encodings, and now and then a body over
 * the limit. A gzip encoding compresses the body for real, so the server sees
 * valid compressed data (a bomb when the body is long and repetitive).
 */
export function postRequest(
  path: string,
  bodies: fc.Arbitrary<string | Uint8Array>,
  limits: BodyLimits,
  extraHeaders: fc.Arbitrary<Record<string, string>> = fc.constant({}),
  /** Off where the limit is tens of MB (peer envelopes): such bodies are sent by a case of their own, now and then, not one in thirty. */
  sendOversized = true,
): fc.Arbitrary<RawRequest> {
  const normal = fc.tuple(bodies, contentType, contentEncoding, extraHeaders, fc.boolean()).map(([body, type, encoding, extra, bomb]): RawRequest => {
    const headers: Record<string, string> = { ...extra };
    if (type !== null) headers['content-type'] = type;
    let sent: string | Uint8Array = body;
    if (encoding !== null) {
      headers['content-encoding'] = encoding;
      if (encoding.toLowerCase() === 'gzip') sent = bomb ? gzipBomb(limits.bodyLimitBytes) : gzipSync(body);
    }
    return { method: 'POST', path, headers, body: sent };
  });
  const tooLarge = fc.tuple(oversized(limits), extraHeaders).map(([{ body, headers }, extra]): RawRequest => ({ method: 'POST', path, headers: { ...extra, 'content-type': JSON_TYPE, ...headers }, body }));
  return sendOversized ? fc.oneof({ weight: 30, arbitrary: normal }, { weight: 1, arbitrary: tooLarge }) : normal;
}

const bombs = new Map<number, Buffer>();

/** Spaces that inflate to just over `limitBytes`, compressed (about a thousandth of that); one per limit. */
function gzipBomb(limitBytes: number): Buffer {
  let bomb = bombs.get(limitBytes);
  if (bomb === undefined) {
    bomb = gzipSync(Buffer.alloc(limitBytes + 1024, 0x20));
    bombs.set(limitBytes, bomb);
  }
  return bomb;
}

/** A path parameter: valid-looking, odd, long, or with characters a URL must escape (escaped or not). */
export const pathParameter: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: oddString.map((value) => escapeForUrl(value.slice(0, 3_000))) },
  { weight: 2, arbitrary: numberToken.map((value) => escapeForUrl(value)) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%ff%fe', '%c0%af', '%e2%80', '..', '.', '%2e%2e', '%2f', ';', '~', '*', '%00', '%20') },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{64}$/) },
);

/** A query string (with its `?`), or none. */
export function queryString(knownKeys: readonly string[] = []): fc.Arbitrary<string> {
  const key = fc.oneof(fc.constantFrom(...knownKeys, ...PROTOTYPE_KEYS, '__proto__[x]', 'a[b][c]', 'a[]'), oddString.map((value) => escapeForUrl(value.slice(0, 200))));
  const value = fc.oneof(numberToken, oddString.map((text) => escapeForUrl(text.slice(0, 200))), fc.constantFrom('%', '%zz', ''));
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`) },
  );
}

/** Methods a route does not take (express answers these through the not-found handler or, for OPTIONS, with its Allow list). */
export const otherMethod: fc.Arbitrary<string> = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

/** A GET of `template` with each `:name` replaced by a drawn parameter, a random query, and now and then another method. */
export function getRequest(template: string, parameters: Record<string, fc.Arbitrary<string>> = {}, query: fc.Arbitrary<string> = queryString()): fc.Arbitrary<RawRequest> {
  const names = [...template.matchAll(/:([a-zA-Z]+)/g)].map((match) => match[1]!);
  const values = fc.tuple(...names.map((name) => fc.oneof({ weight: 3, arbitrary: parameters[name] ?? pathParameter }, { weight: 2, arbitrary: pathParameter })));
  return fc.tuple(values, query, fc.oneof({ weight: 9, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: otherMethod })).map(([drawn, query, method]): RawRequest => {
    let path = template;
    names.forEach((name, index) => {
      path = path.replace(`:${name}`, drawn[index]!);
    });
    return { method, path: `${path}${query}`, headers: method === 'GET' ? {} : ({ 'content-type': JSON_TYPE } as Record<string, string>), body: method === 'GET' || method === 'HEAD' ? undefined : '{}' };
  });
}

export type EndpointCases = { readonly name: string; readonly cases: fc.Arbitrary<RawRequest> };

/** The operator endpoints every replica, member and watchtower serves: health, readiness, Prometheus metrics, the OpenAPI description. */
export function operatorEndpoints(): EndpointCases[] {
  return ['/healthz', '/readyz', '/metrics', '/v1/openapi.json'].map((path) => ({ name: `GET ${path}`, cases: getRequest(path) }));
}

/**
 * Variants of a valid object with exactly one field changed: dropped, set to
 * a hostile value, retyped, or a field added (a prototype key among them).
 * Written as JSON text, so a `__proto__` field really is on the wire.
 */
export function oneFieldOff(valid: Record<string, unknown>, replacements: fc.Arbitrary<string> = scalarText): fc.Arbitrary<string> {
  const keys = Object.keys(valid);
  const text = (entries: [string, string][]) => `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${item}`).join(',')}}`;
  const entries = (): [string, string][] => keys.map((key) => [key, JSON.stringify(valid[key])]);
  // A replacement that parses back to the field's own value ("-0" for 0, "1.0" for 1) is no change at all.
  const changedField = fc
    .tuple(fc.constantFrom(...keys), fc.oneof(replacements, jsonText(keys)))
    .filter(([key, item]) => !sameJson(item, valid[key]));
  return fc.oneof(
    fc.constantFrom(...keys).map((dropped) => text(entries().filter(([key]) => key !== dropped))),
    changedField.map(([changed, item]) => text(entries().map(([key, old]) => [key, key === changed ? item : old]))),
    fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS, 'extra'), jsonText(keys)).map(([added, item]) => text([...entries(), [added, item]])),
    // The same key twice, the second time off: JSON.parse keeps the last.
    changedField.map(([doubled, item]) => text([...entries(), [doubled, item]])),
  );
}

/** True when the JSON text `item` stands for the same value as `value` once parsed and written again. */
function sameJson(item: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(item)) === JSON.stringify(value);
  } catch {
    return false;
  }
}
