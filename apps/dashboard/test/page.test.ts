// Proves the page is what the server can serve as it is: its TypeScript
// typechecks against the browser's DOM types (the root tsconfig has no DOM, so
// the page has its own), it bundles into one small self-contained module, and
// the HTML and CSS load nothing from outside the dashboard (no CDN, no fonts
// from the web) — the page works on a machine without internet.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bundlePage } from '../src/page-bundle.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);
const MAX_BUNDLE_BYTES = 64 * 1024;

describe('the dashboard page', () => {
  it('typechecks against the DOM types', async () => {
    const outcome = await run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'apps/dashboard/page/tsconfig.json', '--noEmit'], { cwd: ROOT }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(outcome).toBe('');
  });

  it('bundles into one small module that imports nothing', async () => {
    const script = await bundlePage();
    expect(Buffer.byteLength(script)).toBeLessThan(MAX_BUNDLE_BYTES);
    expect(script).not.toMatch(/^\s*import\s/m);
    expect(script).toContain('/api/state');
  });

  it('loads nothing from outside the dashboard', () => {
    for (const file of ['static/index.html', 'static/style.css']) {
      const text = readFileSync(join(ROOT, 'apps/dashboard', file), 'utf8');
      expect(text, file).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    }
  });
});
