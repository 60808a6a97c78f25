#!/usr/bin/env node
// The installed `council` command: runs the bundled CLI (built by `npm run build` or `npm run build:cli`).
// Agents' hooks start it before every edit, so start-up time matters: V8's compile cache skips
// re-parsing the bundle on every run (Node ≥ 22 has it built in; on Node 20 v8-compile-cache adds it).
const path = require('node:path');
const fs = require('node:fs');
const nodeModule = require('node:module');

const bundle = path.join(__dirname, '..', 'out', 'cli', 'council.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write(`council: ${bundle} is missing; build it first with: npm run build:cli\n`);
  process.exit(1);
}
if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache();
else require('v8-compile-cache');
require(bundle);
