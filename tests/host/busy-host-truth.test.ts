/**
 * A busy host tells the truth: many requests at once to the real `council serve` process, each
 * answered by git, never come back with git's output lost. Before the fix the runner settled 50 ms
 * (wall clock) after git's exit whether or not the output had been read; on a loaded host the
 * answer then came back empty — "0 ahead, 0 behind" and a false "merged · nothing left" on the
 * board for sessions that conflict with their base (seen in a walk-through: 1–10 wrong answers in
 * 90 calls at load 12–17).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session, SessionStats } from '../../shared/models';
import { startServe, type ServeProcess } from '../e2e/browser';
import { councilJson } from '../helpers/cli';
import { gitSync, makeRepo, type TestRepo } from '../helpers/repo';

let repo: TestRepo;
let host: ServeProcess;
const sessions: Session[] = [];

beforeAll(async () => {
  repo = makeRepo();
  for (let i = 0; i < 6; i++) {
    const made = councilJson<Session[]>(['session', 'create', '--task', `task ${i}`, '--no-start'], { cwd: repo.root });
    if (!made.result.ok) throw new Error(made.result.error.message);
    const session = made.result.value[0] as Session;
    sessions.push(session);
    writeFileSync(path.join(session.worktreePath, 'src', 'a.ts'), `export const a = ${i + 10};\n`);
    // Half committed (nothing uncommitted: the merge state is worked out), half left uncommitted.
    if (i % 2 === 0) gitSync(session.worktreePath, 'commit', '-qam', `change ${i}`);
  }
  // The base moves on the same line: every committed session conflicts with it.
  repo.write('src/a.ts', 'export const a = 99;\n');
  gitSync(repo.root, 'commit', '-qam', 'base moves');
  host = await startServe({ ...(process.env as Record<string, string>) }, repo.root);
}, 120_000);

afterAll(async () => {
  await host?.close();
});

async function stats(id: string): Promise<SessionStats> {
  const url = new URL(host.url);
  const response = await fetch(new URL('/api/invoke', url.origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token') ?? ''}` },
    body: JSON.stringify({ command: 'sessions.stats', input: { repo: repo.root, id } }),
  });
  const result = (await response.json()) as { ok: boolean; value?: SessionStats; error?: { message: string } };
  if (!result.ok || !result.value) throw new Error(result.error?.message ?? 'no answer');
  return result.value;
}

describe('the browser host under a burst of requests', () => {
  it('answers every sessions.stats as git does: never 0 behind, never merged', async () => {
    const wrong: string[] = [];
    let answers = 0;
    for (let round = 0; round < 15; round++) {
      await Promise.all(
        sessions.map(async (s, i) => {
          const got = await stats(s.id);
          answers++;
          const committed = i % 2 === 0;
          const expected = { ahead: committed ? 1 : 0, behind: 1, filesChanged: 1, dirty: !committed, merged: false, mergeBlocked: null };
          const seen = { ahead: got.ahead, behind: got.behind, filesChanged: got.filesChanged, dirty: got.dirty, merged: got.merged, mergeBlocked: got.mergeBlocked };
          if (JSON.stringify(seen) !== JSON.stringify(expected)) wrong.push(`round ${round}, session ${s.id}: ${JSON.stringify(seen)}`);
        }),
      );
    }
    expect(answers).toBe(90);
    expect(wrong).toEqual([]);
  }, 120_000);
});
