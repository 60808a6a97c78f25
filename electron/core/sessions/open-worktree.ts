import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../../../shared/models';
import { CouncilError, notFound } from '../errors';

/**
 * Opening a session's worktree in the user's editor, terminal or file manager (issue 14, item 5):
 * a host-side action (in the browser host it runs on the host machine). The program comes from a
 * setting (a program and its arguments, `{path}` standing for the worktree) or the platform's
 * default; it is started detached, with an argv array (never a shell string), in the worktree.
 */

export const OPEN_TARGETS = ['editor', 'terminal', 'files'] as const;
export type OpenTarget = (typeof OPEN_TARGETS)[number];

export const OPEN_SETTING: Record<OpenTarget, 'openEditor' | 'openTerminal' | 'openFileManager'> = {
  editor: 'openEditor',
  terminal: 'openTerminal',
  files: 'openFileManager',
};

const WHAT: Record<OpenTarget, string> = { editor: 'editor', terminal: 'terminal', files: 'file manager' };

/** Where `name` is on PATH (or itself, when it is a path that exists), else null. */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) return existsSync(name) ? name : null;
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').concat(['']) : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      try {
        if (!statSync(file).isFile()) continue;
        if (platform !== 'win32') accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** The platform's default for each target, `{path}` standing for the worktree. */
export function defaultOpenCommand(target: OpenTarget, platform: NodeJS.Platform = process.platform, has: (name: string) => boolean = (name) => findProgram(name) !== null): string[] {
  const opener = platform === 'darwin' ? ['open', '{path}'] : platform === 'win32' ? ['explorer', '{path}'] : ['xdg-open', '{path}'];
  if (target === 'files') return opener;
  if (target === 'editor') return has('code') ? ['code', '{path}'] : opener;
  return platform === 'darwin' ? ['open', '-a', 'Terminal', '{path}'] : platform === 'win32' ? ['wt', '-d', '{path}'] : ['x-terminal-emulator'];
}

export interface OpenResult {
  target: OpenTarget;
  /** The argv started (program first), the worktree filled in. */
  argv: string[];
  cwd: string;
  /** The setting it came from, or null for the platform's default. */
  setting: string | null;
  pid: number | null;
}

/** Starts the program for `target` on `worktree`, detached; resolves once it has started (or could not). */
export async function openWorktree(worktree: string, target: OpenTarget, settings: Pick<Settings, 'openEditor' | 'openTerminal' | 'openFileManager'>): Promise<OpenResult> {
  if (!existsSync(worktree)) throw notFound(`the worktree ${worktree} does not exist (any more): there is nothing to open`);
  const key = OPEN_SETTING[target];
  const configured = settings[key];
  const template = configured.length > 0 ? configured : defaultOpenCommand(target);
  const argv = template.map((arg) => arg.replaceAll('{path}', worktree));
  const [program, ...args] = argv as [string, ...string[]];
  const fix = `set another with: council settings set ${key} … (a program and its arguments; {path} is the worktree), or in Settings → Open a worktree in`;
  if (findProgram(program) === null) {
    throw new CouncilError('not-found', `the ${WHAT[target]} "${program}" was not found ${configured.length > 0 ? `(setting ${key})` : `(the default; setting ${key} is empty)`}: ${fix}`, { setting: key, program });
  }
  const child = spawn(program, args, { cwd: worktree, detached: true, stdio: 'ignore', shell: false, windowsHide: false });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (err) => reject(new CouncilError('command-failed', `the ${WHAT[target]} "${program}" could not be started (${err.message}) (setting ${key}): ${fix}`, { setting: key, program })));
  });
  child.unref();
  return { target, argv, cwd: worktree, setting: configured.length > 0 ? key : null, pid: child.pid ?? null };
}
