// The writers of measurement 7 (edit → diff visible), in their own process so that the browser
// host's event loop is not shared with them: bundled with esbuild by measure-ui-diff.ts and run as
// plain `node edit-driver.cjs '<json config>'`. Writes into session worktrees as busy agents would:
//   - the watched session: `edits` new files src/edit-<n>.ts, one every minMs..maxMs, after leadMs;
//     prints "edit <path> <before> <after>" (shared clock, ms, around each write);
//   - every load session, from the start until the watched writer is done: a write every
//     minMs..maxMs (alternately a change to a tracked file and a new file src/load-<k>.ts), and,
//     when contextEveryMs > 0, a `context.update` (progress, current file) about that often;
// then prints "done <load writes> <context updates> <ms from start to the last watched edit>" and exits.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Council } from '../electron/core/council';
import { sharedNow } from './clock';

export interface DriverConfig {
  repo: string;
  watched: { id: string; worktree: string };
  load: { id: string; worktree: string }[];
  edits: number;
  firstEdit: number;
  minMs: number;
  maxMs: number;
  leadMs: number;
  /** Tracked files (repo-relative) the load writers change. */
  loadFiles: string[];
  contextEveryMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(config: DriverConfig): Promise<void> {
  const started = performance.now();
  const jitter = () => config.minMs + Math.random() * (config.maxMs - config.minMs);
  let running = true;
  let loadWrites = 0;
  let contextUpdates = 0;
  const council = config.contextEveryMs > 0 ? Council.open(config.repo) : null;

  const loadWriter = async (s: { id: string; worktree: string }, index: number) => {
    for (let k = 0; running; k++) {
      await sleep(jitter());
      if (!running) break;
      const file = k % 2 === 0 ? (config.loadFiles[(index * 13 + k) % config.loadFiles.length] as string) : `src/load-${index}-${k}.ts`;
      writeFileSync(path.join(s.worktree, file), `// load write ${k} by session ${s.id}\nexport const k${k} = ${k};\n`);
      loadWrites += 1;
    }
  };
  const contextWriter = async (s: { id: string; worktree: string }, index: number) => {
    if (council === null) return;
    for (let k = 0; running; k++) {
      await sleep(config.contextEveryMs * (0.5 + Math.random()));
      if (!running) break;
      await council.context.update(s.id, { status: 'working', progress: `${k % 10}/10`, currentFile: config.loadFiles[(index + k) % config.loadFiles.length] ?? null }, { cwd: config.repo });
      contextUpdates += 1;
    }
  };
  const watchedWriter = async () => {
    await sleep(config.leadMs);
    for (let i = 0; i < config.edits; i++) {
      await sleep(jitter());
      const rel = `src/edit-${config.firstEdit + i}.ts`;
      const content = `// edit ${config.firstEdit + i}\nexport function edit${config.firstEdit + i}(): number {\n  return ${i};\n}\n`;
      const before = sharedNow();
      writeFileSync(path.join(config.watched.worktree, rel), content);
      const after = sharedNow();
      process.stdout.write(`edit ${rel} ${before} ${after}\n`);
    }
    running = false;
  };

  const load = config.load.flatMap((s, i) => [loadWriter(s, i), contextWriter(s, i)]);
  await watchedWriter();
  const ms = performance.now() - started;
  await Promise.all(load);
  process.stdout.write(`done ${loadWrites} ${contextUpdates} ${ms}\n`);
}

const arg = process.argv[2];
if (!arg) {
  process.stderr.write("usage: edit-driver '<json config>'\n");
  process.exit(2);
}
main(JSON.parse(arg) as DriverConfig).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`edit-driver: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
