// Finds secret keys in text: each secret as hex, in any case (a log line or
// an answer that upper-cases hex still leaks it). Used by the test that scans
// every output and answer of a run, and checked on planted leaks there so
// that it can be seen to fail.

export type SecretLeak = { readonly where: string; readonly secret: string };

/** Every (source, secret) pair where the secret's hex appears in the source's text; secrets are named by their first 8 hex digits. */
export function findSecrets(sources: Readonly<Record<string, string>>, secretsHex: readonly string[]): SecretLeak[] {
  const secrets = secretsHex.map((secret) => secret.toLowerCase());
  const leaks: SecretLeak[] = [];
  for (const [where, text] of Object.entries(sources)) {
    const lower = text.toLowerCase();
    for (const secret of secrets) if (lower.includes(secret)) leaks.push({ where, secret: `${secret.slice(0, 8)}…` });
  }
  return leaks;
}
