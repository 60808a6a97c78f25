import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { CouncilError } from '../errors';

/**
 * Where a repository's pieces are. Found by reading `.git` files and folders the way git does,
 * without starting git: the CLI runs before every agent edit and must start fast.
 */
export interface RepoLocation {
  /** The shared git dir of all worktrees (`.git` of the main checkout). */
  commonDir: string;
  /** The main checkout's top folder. */
  mainRoot: string;
  /** The top folder of the worktree the search started in (the main checkout or a linked one). */
  worktreeRoot: string;
}

function readGitFile(file: string): string {
  const text = readFileSync(file, 'utf8');
  const match = /^gitdir: (.+)$/m.exec(text);
  if (!match?.[1]) throw new CouncilError('not-a-repo', `${file} is not a valid .git file`);
  return path.resolve(path.dirname(file), match[1].trim());
}

function commonDirOf(gitDir: string): string {
  const pointer = path.join(gitDir, 'commondir');
  if (!existsSync(pointer)) return gitDir;
  return path.resolve(gitDir, readFileSync(pointer, 'utf8').trim());
}

function isBareConfig(commonDir: string): boolean {
  try {
    const config = readFileSync(path.join(commonDir, 'config'), 'utf8');
    return /^\s*bare\s*=\s*true\s*$/im.test(config);
  } catch {
    return false;
  }
}

/** Finds the repository that contains `start` (a folder, or anything inside it). */
export function discoverRepo(start: string): RepoLocation {
  let dir: string;
  try {
    dir = realpathSync(path.resolve(start));
  } catch {
    throw new CouncilError('not-a-repo', `${start} does not exist`);
  }
  if (!statSync(dir).isDirectory()) dir = path.dirname(dir);
  for (let current = dir; ; current = path.dirname(current)) {
    const dotGit = path.join(current, '.git');
    let gitDir: string | null = null;
    if (existsSync(dotGit)) {
      gitDir = statSync(dotGit).isDirectory() ? dotGit : readGitFile(dotGit);
    }
    if (gitDir && existsSync(path.join(gitDir, 'HEAD'))) {
      const commonDir = commonDirOf(gitDir);
      if (isBareConfig(commonDir)) {
        throw new CouncilError('not-a-repo', `${commonDir} is a bare repository: open a repository with a working tree`);
      }
      const mainRoot = path.basename(commonDir) === '.git' ? path.dirname(commonDir) : current;
      return { commonDir, mainRoot, worktreeRoot: current };
    }
    if (!gitDir && existsSync(path.join(current, 'HEAD')) && existsSync(path.join(current, 'objects')) && isBareConfig(current)) {
      throw new CouncilError('not-a-repo', `${current} is a bare repository: open a repository with a working tree`);
    }
    if (path.dirname(current) === current) {
      throw new CouncilError('not-a-repo', `${start} is not inside a git repository`);
    }
  }
}
