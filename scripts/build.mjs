#!/usr/bin/env node
// `npm run build`: the app (main, preload, renderer) with electron-vite, then the CLI bundle.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronVite = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
for (const args of [[electronVite, 'build'], [path.join(root, 'scripts', 'build-cli.mjs')]]) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
