import { existsSync } from 'node:fs';
import path from 'node:path';
import { CouncilError } from '../errors';
import type { CouncilCommand } from './types';

/**
 * How an agent's hook starts `council`: the Node that runs us (Electron's own binary in the
 * desktop app, as plain Node through ELECTRON_RUN_AS_NODE) and the CLI bundle. Checked before an
 * agent starts: every agent CLI treats a hook that fails to start as "allow", so a missing bundle
 * would silently switch the locks off.
 */

let configured: string | null = null;

/** The desktop app names its bundle (inside the app's resources) at start-up. */
export function configureCouncilCli(file: string): void {
  configured = file;
}

/** The bundle the desktop app named, if it did (where the app lives). */
export function configuredCouncilCli(): string | null {
  return configured;
}

function candidates(): string[] {
  const found: string[] = [];
  if (process.env.COUNCIL_CLI) found.push(process.env.COUNCIL_CLI);
  if (configured) found.push(configured);
  const script = process.argv[1];
  if (script && /council\.c?js$/.test(script)) found.push(path.resolve(script));
  // The source tree or an installed package: out/cli/council.cjs above the script or the cwd.
  for (const start of [script ? path.dirname(script) : null, process.cwd()]) {
    if (!start) continue;
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      found.push(path.join(dir, 'out', 'cli', 'council.cjs'));
      if (path.dirname(dir) === dir) break;
    }
  }
  return found;
}

/** The CLI bundle (out/cli/council.cjs) this process would run, or null when there is none. */
export function councilBundle(): string | null {
  return candidates().find((file) => existsSync(file)) ?? null;
}

export function councilCommand(): CouncilCommand {
  const cli = councilBundle();
  if (!cli) {
    throw new CouncilError(
      'internal',
      "the council CLI bundle (out/cli/council.cjs) was not found, and agents' lock hooks need it: build it with `npm run build:cli`, or set COUNCIL_CLI to its path",
    );
  }
  const electron = Boolean(process.versions.electron);
  return { argv: [process.execPath, launcherOf(cli)], env: electron ? { ELECTRON_RUN_AS_NODE: '1' } : {} };
}

/**
 * The launcher beside a bundle (out/cli/launch.cjs, a copy of bin/council.cjs made by the build):
 * it hands `council hook pre-tool` and `council lock …` to the lean bundle (out/cli/hot.cjs) and
 * keeps V8's code cache, so the hook an agent runs before every edit is the one bench/ measures.
 * Without it (a bundle named alone, COUNCIL_CLI), the bundle itself.
 */
export function launcherOf(cli: string): string {
  const launcher = path.join(path.dirname(cli), 'launch.cjs');
  return path.basename(cli) === 'council.cjs' && existsSync(launcher) ? launcher : cli;
}

/** A command line for `sh -c` (how agent CLIs run hooks): every argument single-quoted. */
export function shellLine(command: CouncilCommand, args: readonly string[]): string {
  const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;
  const env = Object.entries(command.env).map(([key, value]) => `${key}=${quote(value)}`);
  return [...env, ...[...command.argv, ...args].map(quote)].join(' ');
}
