import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs git for test set-up and checks (argument arrays only), returning trimmed stdout. */
export function gitSync(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function tempDir(prefix = 'council-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestRepo {
  root: string;
  write(rel: string, content: string): string;
  commitAll(message: string): string;
}

/** A real repository with one commit holding `files` (default: a README and two sources). */
export function makeRepo(files: Record<string, string> = { 'README.md': '# demo\n', 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n' }): TestRepo {
  const root = path.join(tempDir('council-repo-'), 'demo');
  mkdirSync(root, { recursive: true });
  gitSync(root, 'init', '-q', '-b', 'main');
  const repo: TestRepo = {
    root,
    write(rel, content) {
      const file = path.join(root, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    commitAll(message) {
      gitSync(root, 'add', '-A');
      gitSync(root, 'commit', '-q', '-m', message);
      return gitSync(root, 'rev-parse', 'HEAD');
    },
  };
  for (const [rel, content] of Object.entries(files)) repo.write(rel, content);
  if (Object.keys(files).length) repo.commitAll('initial');
  return repo;
}

/** Writes a file inside any folder (e.g. a session worktree), creating parent folders. */
export function writeIn(dir: string, rel: string, content: string): string {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}
