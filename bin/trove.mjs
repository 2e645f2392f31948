#!/usr/bin/env node
// `npx trove …` from the repository: runs the TypeScript command line (src/cli/trove.ts) through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/trove.ts');
process.exitCode = await main(process.argv.slice(2));
