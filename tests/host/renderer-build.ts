import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli';

export const RENDERER_DIR = path.join(REPO_ROOT, 'out', 'renderer');

/**
 * The real renderer build (out/renderer), built with electron-vite if it is not there. Test files
 * run in parallel: a lock folder makes sure only one of them builds while the others wait.
 */
export async function ensureRendererBuild(): Promise<string> {
  const index = path.join(RENDERER_DIR, 'index.html');
  const lock = path.join(REPO_ROOT, 'out', '.renderer-build.lock');
  const deadline = Date.now() + 280_000;
  while (!existsSync(index)) {
    try {
      mkdirSync(path.dirname(lock), { recursive: true });
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`waited too long for another test's renderer build (remove ${lock} if it is stale)`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (existsSync(index)) break;
      const build = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return RENDERER_DIR;
}
