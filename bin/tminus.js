#!/usr/bin/env node
// The `tminus` command: runs the built CLI (npm's `prepare` builds it on install).
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('tminus: not built yet; run `npm run build` in the Tminus folder');
  process.exit(1);
}
await import(cli.href);
