import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BenchConfig } from './result';

/**
 * Bundles a helper program of the bench (bench/<name>.ts) into one CommonJS file in the run's temp
 * folder, like the CLI is bundled, so it starts as a realistic plain `node` process.
 */
export async function bundleProgram(cfg: BenchConfig, name: string): Promise<string> {
  const outfile = path.join(cfg.tmp, `${name}.cjs`);
  await build({
    entryPoints: [path.join(path.dirname(fileURLToPath(import.meta.url)), `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}
