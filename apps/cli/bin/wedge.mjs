#!/usr/bin/env node
// The `wedge` bin: registers tsx so Node can load the TypeScript sources, then
// runs the CLI. Inside the repository `npm run wedge -- ...` does the same.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/main.ts');
process.exit(await runCli(process.argv.slice(2)));
