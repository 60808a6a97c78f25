import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './helpers/cli';

/**
 * Builds, once per run, the CLI bundle (so CLI and cross-process tests run the same file users
 * run) and the cross-process test workers (plain Node programs on the real core).
 */
export default async function setup(): Promise<void> {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-cli.mjs'), '--quiet'], { stdio: 'inherit' });
  const workers = path.join(REPO_ROOT, 'tests', 'workers');
  const entries = readdirSync(workers).filter((f) => f.endsWith('.ts'));
  await build({
    entryPoints: entries.map((f) => path.join(workers, f)),
    outdir: path.join(REPO_ROOT, 'out', 'test-workers'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
}
