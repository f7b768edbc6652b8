// Parsing untrusted JSON into typed values at a boundary, with an error a
// person can act on. zod reports a union failure as "Invalid input" with one
// issue list per branch; the message here follows the branch the value was
// evidently meant for (the one whose top-level type matched), so a batch with
// one bad amount says which field of which transaction is wrong.
import { WedgeError } from '@wedge/common';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

const MAX_DESCRIBED_ISSUES = 3;
const MAX_DESCRIPTION_LENGTH = 500;

function formatPath(path: Path): string {
  let text = '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  return text === '' ? '(root)' : text;
}

/** Issues of a branch that fails on the value's own type say the value was not meant for it. */
function isTopLevelTypeMismatch(issues: readonly Issue[]): boolean {
  return issues.some((issue) => issue.code === 'invalid_type' && issue.path.length === 0);
}

function flattenIssues(issues: readonly Issue[], prefix: Path, out: { path: Path; message: string }[]): void {
  for (const issue of issues) {
    if (out.length >= MAX_DESCRIBED_ISSUES) return;
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const meant = issue.errors.filter((branch) => !isTopLevelTypeMismatch(branch));
      const candidates = meant.length > 0 ? meant : issue.errors;
      const closest = candidates.reduce((best, branch) => (branch.length < best.length ? branch : best));
      flattenIssues(closest, path, out);
    } else {
      out.push({ path, message: issue.message });
    }
  }
}

/** A one-line description of why a value failed a schema, bounded in length. */
export function describeZodError(error: z.ZodError): string {
  const flat: { path: Path; message: string }[] = [];
  flattenIssues(error.issues, [], flat);
  const text = flat.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
  return text.length > MAX_DESCRIPTION_LENGTH ? `${text.slice(0, MAX_DESCRIPTION_LENGTH - 3)}...` : text;
}

/**
 * The value typed by `schema`, or a WedgeError with `code` (INVALID_BODY by
 * default) whose message names the bad fields.
 */
export function parseWire<Schema extends z.ZodType>(schema: Schema, value: unknown, code = 'INVALID_BODY'): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new WedgeError(code, describeZodError(result.error), { cause: result.error });
}
