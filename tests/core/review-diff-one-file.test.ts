import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import type { DiffView } from '../../shared/commands/diff';
import { Council } from '../../electron/core/council';
import { MAX_SIDE_BYTES, reviewBlob, reviewDiff, reviewFileDiff, reviewLines } from '../../electron/core/sessions/review-diff';
import { rejection } from '../helpers/errors';
import { gitSync, makeRepo, tempDir, writeIn } from '../helpers/repo';

/**
 * `diff.file`, `diff.lines` and `diff.blob` answer for one file without re-running the whole
 * view's `git diff` (git is handed that path, literally, and a rename's source when there is one),
 * with the same answer as the file's entry in `diff.get`; and a side over its cap is told by its
 * size, never read (nor a buffer of its size made). Real git; what git was asked is read from its
 * own trace (trace2.normalTarget in the test's global config), what this process read from /proc.
 */

const FILES = 30;
const src = (i: number) => `src/f-${String(i).padStart(2, '0')}.ts`;
const body = (i: number, v: string) => Array.from({ length: 12 }, (_, j) => `export const v${i}_${j} = '${j === 6 ? v : j}';`).join('\n') + '\n';

async function world(extra: Record<string, string> = {}) {
  const files: Record<string, string> = { 'README.md': '# demo\n', 'old-name.ts': body(99, 'x'), 'gone.txt': 'bye\n', ...extra };
  for (let i = 0; i < FILES; i++) files[src(i)] = body(i, 'one');
  const repo = makeRepo(files);
  const council = Council.open(repo.root);
  const [s] = await council.createSessions({ task: 'one file' });
  const session = s as Session;
  const wt = session.worktreePath;
  return { repo, council, session, wt };
}

/** What git ran (argv) while `act` ran: git's trace2 "start" lines, from the repository's config. */
async function gitCalls(repoRoot: string, act: () => Promise<unknown>): Promise<string[]> {
  const target = path.join(tempDir('trace2-'), 'trace.txt');
  // trace2 is read from the global config only (this test process's own, tests/helpers/git-env).
  gitSync(repoRoot, 'config', '--global', 'trace2.normalTarget', target);
  try {
    await act();
  } finally {
    gitSync(repoRoot, 'config', '--global', '--unset', 'trace2.normalTarget');
  }
  return readFileSync(target, 'utf8')
    .split('\n')
    .filter((l) => / start /.test(l))
    .map((l) => l.slice(l.indexOf(' start ') + 7));
}

/**
 * Bytes this process's main thread read (files read synchronously, git's output through its pipes)
 * while `act` ran: the thread's own counter, not the process's (that one adds the reaped git
 * children's reads: git itself reads both sides to diff them).
 */
async function bytesRead<T>(act: () => Promise<T>): Promise<{ value: T; read: number; allocated: number }> {
  const rchar = () => Number(/rchar: (\d+)/.exec(readFileSync(`/proc/self/task/${process.pid}/io`, 'utf8'))![1]);
  const before = rchar();
  // Buffers made meanwhile (a stand-in of the file's size, e.g.): still there just after, garbage or not.
  const buffers = process.memoryUsage().arrayBuffers;
  const value = await act();
  return { value, read: rchar() - before, allocated: process.memoryUsage().arrayBuffers - buffers };
}

describe('one file of the review diff', () => {
  it('diff.file, diff.lines and diff.blob give the file’s answer from git asked about that path only (renames included)', async () => {
    const w = await world();
    for (let i = 0; i < FILES; i += 2) writeIn(w.wt, src(i), body(i, 'two'));
    gitSync(w.wt, 'mv', 'old-name.ts', 'new-name.ts');
    writeIn(w.wt, 'new-name.ts', body(99, 'y'));
    gitSync(w.wt, 'add', '-A');
    gitSync(w.wt, 'commit', '-q', '-m', 'committed part');
    const commit = gitSync(w.wt, 'rev-parse', 'HEAD');
    for (let i = 1; i < FILES; i += 2) writeIn(w.wt, src(i), body(i, 'three').replace("'2'", "  '2'"));
    gitSync(w.wt, 'rm', '-q', 'gone.txt');
    writeIn(w.wt, 'brand-new.ts', 'export const fresh = 1;\n');
    writeIn(w.wt, 'odd [name] *.ts', 'export const odd = 1;\n');

    const views: DiffView[] = [{ kind: 'base' }, { kind: 'uncommitted' }, { kind: 'commit', sha: commit }];
    let compared = 0;
    for (const view of views) {
      for (const ws of [false, true]) {
        const all = await reviewDiff(w.council.ws, w.session, view, ws);
        for (const file of all.files) {
          expect(await reviewFileDiff(w.council.ws, w.session, view, file.path, ws)).toEqual(file);
          compared++;
        }
      }
    }
    // base: 30 + rename + deletion + 2 untracked; the others fewer.
    expect(compared).toBeGreaterThan(60);

    const base = await reviewDiff(w.council.ws, w.session, { kind: 'base' });
    expect(base.files.find((f) => f.path === 'new-name.ts')).toMatchObject({ kind: 'renamed', origPath: 'old-name.ts' });
    // A renamed file's old side is read from its old path.
    expect((await reviewLines(w.council.ws, w.session, { kind: 'base' }, 'new-name.ts', 'old')).lines[6]).toBe("export const v99_6 = 'x';");

    // git was asked about that file alone: its patch, its untracked status; a glob-like name is literal.
    const calls = await gitCalls(w.repo.root, async () => {
      await reviewFileDiff(w.council.ws, w.session, { kind: 'base' }, src(3));
      await reviewFileDiff(w.council.ws, w.session, { kind: 'base' }, 'odd [name] *.ts');
      await reviewBlob(w.council.ws, w.session, { kind: 'base' }, src(4), 'old');
    });
    const diffs = calls.filter((c) => / diff /.test(c));
    expect(diffs.length).toBeGreaterThanOrEqual(3);
    for (const c of diffs) expect(c).toMatch(/--literal-pathspecs diff .* -- (src\/f-03\.ts|'odd \[name\] \*\.ts'|src\/f-04\.ts)$/);
    expect(calls.filter((c) => / ls-files /.test(c)).every((c) => c.includes(':(literal)'))).toBe(true);
    // A rename: both of its paths (the source found with --raw, no patches).
    const renamed = await gitCalls(w.repo.root, () => reviewFileDiff(w.council.ws, w.session, { kind: 'base' }, 'new-name.ts'));
    expect(renamed.filter((c) => / diff .*-U3/.test(c)).at(-1)).toMatch(/-- old-name\.ts new-name\.ts$/);

    expect(await rejection(reviewFileDiff(w.council.ws, w.session, { kind: 'base' }, 'README.md'))).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('has no changes') });
    expect(await rejection(reviewBlob(w.council.ws, w.session, { kind: 'base' }, '../outside.txt', 'new'))).toMatchObject({ code: 'invalid-input', message: expect.stringContaining('outside') });
  }, 120_000);

  it('a side over its cap is told by its size and never read: a 50 MB blob, a 9 MB text, a 50 GB worktree file', async () => {
    const BIG = 50 * 1024 * 1024;
    const w = await world();
    // Committed on main: a 50 MB binary and a 9 MB text (short lines); the session changes both a little.
    writeFileSync(path.join(w.repo.root, 'big.bin'), Buffer.alloc(BIG));
    const text = Array.from({ length: 9 * 1024 * 1024 / 32 }, (_, i) => `line ${String(i).padStart(25, '0')}`).join('\n') + '\n';
    writeFileSync(path.join(w.repo.root, 'big.txt'), text);
    gitSync(w.repo.root, 'add', '-A');
    gitSync(w.repo.root, 'commit', '-q', '-m', 'big files');
    gitSync(w.wt, 'merge', '-q', '--ff-only', 'main');
    writeFileSync(path.join(w.wt, 'big.bin'), Buffer.concat([Buffer.alloc(BIG), Buffer.from([0])]));
    writeFileSync(path.join(w.wt, 'big.txt'), text.replace('line 0000000000000000000000010', 'line ten'));
    // A 50 GB file (sparse: no disk used), untracked.
    writeFileSync(path.join(w.wt, 'huge.iso'), '');
    truncateSync(path.join(w.wt, 'huge.iso'), 50 * 1024 ** 3);

    const view: DiffView = { kind: 'base' };
    const old = await bytesRead(() => reviewBlob(w.council.ws, w.session, view, 'big.bin', 'old'));
    expect(old.value).toEqual({ size: BIG, mime: null, data: null });
    const now = await bytesRead(() => reviewBlob(w.council.ws, w.session, view, 'big.bin', 'new'));
    expect(now.value).toEqual({ size: BIG + 1, mime: null, data: null });
    const huge = await bytesRead(() => reviewBlob(w.council.ws, w.session, view, 'huge.iso', 'new'));
    expect(huge.value).toEqual({ size: 50 * 1024 ** 3, mime: null, data: null });
    const lines = await bytesRead(() => rejection(reviewLines(w.council.ws, w.session, view, 'big.txt', 'old')));
    expect(lines.value).toMatchObject({ code: 'invalid-input', message: `big.txt is too large to show more context (${text.length} bytes, the limit is ${MAX_SIDE_BYTES})` });
    // None of them read the file (a read of any would be its size, through git's pipe or from disk).
    expect([old, now, huge, lines].map((r) => r.read < 2 * 1024 * 1024 || r.read)).toEqual([true, true, true, true]);
    // Nor made a buffer of its size.
    expect([old, now, huge, lines].map((r) => r.allocated < 8 * 1024 * 1024 || r.allocated)).toEqual([true, true, true, true]);
    // git was asked the blob's size, never its bytes.
    const calls = await gitCalls(w.repo.root, () => reviewBlob(w.council.ws, w.session, view, 'big.bin', 'old'));
    expect(calls.some((c) => /cat-file -s \S+:big\.bin/.test(c))).toBe(true);
    expect(calls.some((c) => /cat-file blob/.test(c))).toBe(false);
  }, 120_000);
});
