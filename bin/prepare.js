#!/usr/bin/env node
'use strict';
// npm runs `prepare` after every `npm install` and `npm ci`. After a full install it compiles, so that the CLI in bin/
// works at once. A production-only install (`npm ci --omit=dev`, as a remote build on Azure would do) has no
// TypeScript to compile with and needs nothing compiled (the app runs build/functions.js), so it skips quietly instead
// of failing the install with "tsc: not found".
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  console.log('prepare: TypeScript is not installed (production-only install); nothing to compile');
  process.exit(0);
}
const result = spawnSync(process.execPath, [tsc, '-p', join(__dirname, '..', 'tsconfig.json')], { stdio: 'inherit' });
process.exit(result.status ?? 1);
