import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { CouncilError } from '../../errors';

/**
 * Finds the program an agent runs before starting it. node-pty reports a missing program only as
 * "execvp(3) failed" printed into the terminal and exit code 1, and child_process as a bare
 * `spawn x ENOENT` (which a missing cwd also gives). Looking first gives one clear error in both modes.
 */

const isWindows = process.platform === 'win32';

export class ProgramNotFoundError extends CouncilError {
  constructor(readonly command: string) {
    super('not-found', `Agent program not found: ${command}`, { command });
    this.name = 'ProgramNotFoundError';
  }
}

/**
 * The absolute path of `command`: looked up on `env.PATH` when it is a bare name, else resolved
 * against `cwd` (where the agent starts). Throws ProgramNotFoundError when there is no such
 * executable file, and a not-found CouncilError when `cwd` itself is missing.
 */
export function findProgram(command: string, cwd: string, env: Record<string, string | undefined>): string {
  if (!isDirectory(cwd)) throw new CouncilError('not-found', `Agent working folder not found: ${cwd}`, { cwd });
  const found = lookupProgram(command, cwd, env);
  if (found === null) throw new ProgramNotFoundError(command);
  return found;
}

/** The same lookup without the errors: the absolute path, or null. */
export function lookupProgram(command: string, cwd: string, env: Record<string, string | undefined>): string | null {
  if (command === '') return null;
  if (command.includes('/') || (isWindows && command.includes('\\'))) {
    const absolute = path.resolve(cwd, command);
    return isExecutable(absolute) ? absolute : null;
  }
  const extensions = isWindows ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const candidate = path.resolve(cwd, dir, command + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, isWindows ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
