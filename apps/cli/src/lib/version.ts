// The CLI's version, `wedge --version`: the version in apps/cli/package.json,
// read once at start (the bin and `npm run wedge` run the sources, so there is
// no build step that could bake it in).
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const PackageFile = z.object({ version: z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+/) });

export const CLI_VERSION: string = PackageFile.parse(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))).version;
