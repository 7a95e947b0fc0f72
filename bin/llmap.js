#!/usr/bin/env node
// The llmap command line. It runs the TypeScript sources through tsx, so nothing needs building first.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/llmap.ts');
process.exitCode = await main(process.argv.slice(2));
