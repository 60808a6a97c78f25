import { digestHook } from './hook-digest';

/**
 * The digest hook's own bundle (out/cli/digest.cjs, scripts/build-cli.mjs): `council hook digest
 * --agent NAME`, exactly as the agents' hooks spell it (hooks/*.ts), runs before every prompt of
 * every agent, and loading the lean bundle of the lock verbs (out/cli/hot.cjs, ~110 KB with the
 * contract's lock schemas) was a third of its cost beyond `node -e 0`; this one holds the digest
 * alone (~40 KB). bin/council.cjs hands it that spelling only; any other goes to hot.cjs, which
 * answers the digest hook the same way (hot.ts). null: not that spelling.
 */
export async function runHot(argv: readonly string[]): Promise<number | null> {
  if (argv.length !== 4 || argv[0] !== 'hook' || argv[1] !== 'digest' || argv[2] !== '--agent') return null;
  await digestHook(argv[3]);
  return 0; // not reached: the hook ends the process
}
