// Proves the README and the docs link only to files in the repository, and
// that every relative link resolves: a clone has nothing outside it, so a
// link that leaves the repository (or names a file that is not there) is
// broken for every reader.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function markdownFiles(): string[] {
  const docs = join(ROOT, 'docs');
  return [join(ROOT, 'README.md'), ...readdirSync(docs).filter((name) => name.endsWith('.md')).map((name) => join(docs, name))];
}

/** Targets of inline links and images, `[text](target)`, outside code spans and fenced blocks. */
export function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
}

describe('links in the README and docs', () => {
  it('finds the links of a sample (the check itself works)', () => {
    expect(linkTargets('see [a](docs/a.md), ![b](b.png "t"), `[c](not-a-link)` and [d](https://x.org)')).toEqual(['docs/a.md', 'b.png', 'https://x.org']);
  });

  for (const file of markdownFiles()) {
    it(`${relative(ROOT, file)}: every relative link stays in the repository and resolves`, () => {
      const broken: string[] = [];
      for (const target of linkTargets(readFileSync(file, 'utf8'))) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue; // a web address or an anchor
        const path = resolve(dirname(file), decodeURI(target.split('#')[0]!));
        if (relative(ROOT, path).startsWith('..')) broken.push(`${target} (outside the repository)`);
        else if (!existsSync(path)) broken.push(`${target} (no such file)`);
      }
      expect(broken).toEqual([]);
    });
  }
});
