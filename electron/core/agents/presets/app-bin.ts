import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { configuredCouncilCli } from '../council-command';

/**
 * The app's own `node_modules/.bin`: where npm put the agent CLIs installed with the app (its
 * dependencies, or a source checkout's devDependencies). `npm start` has it on PATH; `council serve`
 * started from a plain shell, or the desktop app started from a launcher, does not — and then found
 * no agent at all although they were right there (issue 12, item 14). Presets look on PATH first
 * (the user's own install wins), then here.
 *
 * The app is found from the running program (the CLI bundle, bin/council.cjs, or the bundle the
 * desktop app names), walking up to the nearest package.json that is ours: never some other
 * project's node_modules that happens to be above it.
 */

const PACKAGE_NAME = 'cli-council';

function isOurPackage(dir: string): boolean {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The nearest folder at or above `start` whose package.json is ours; null when there is none. */
export function appRootFrom(start: string): string | null {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (isOurPackage(dir)) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

let cached: { key: string; dirs: string[] } | null = null;

/** The app's `node_modules/.bin` folders that exist (usually one), from where this program runs. */
export function appBinDirs(): string[] {
  const starts = [process.env.COUNCIL_CLI, configuredCouncilCli(), process.argv[1], typeof __dirname === 'string' ? __dirname : undefined]
    .filter((s): s is string => typeof s === 'string' && s !== '' && existsSync(s))
    .map((s) => path.dirname(path.resolve(s)));
  const key = starts.join('\0');
  if (cached?.key === key) return cached.dirs;
  const dirs = [...new Set(starts.map(appRootFrom).filter((root): root is string => root !== null))]
    .map((root) => path.join(root, 'node_modules', '.bin'))
    .filter(isDirectory);
  cached = { key, dirs };
  return dirs;
}
