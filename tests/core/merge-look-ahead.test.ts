import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue, type MergeEvent } from '../../electron/core/merge/index';
import { lookAhead, usableLookAhead } from '../../electron/core/merge/look-ahead';
import { committedSessions, mergeRepo, treeContents } from '../helpers/merge-fixtures';
import { gitSync, writeIn } from '../helpers/repo';

/**
 * The queue looks at the next entry while the current one lands (look-ahead.ts): the answers are
 * used only when the base became exactly the predicted commit and the session's branch did not
 * move; otherwise the entry is computed afresh, and nothing of the guess reaches the base.
 */

const sessionsWith = (council: Council, count: number): Promise<Session[]> => committedSessions(council, count, { task: 'look ahead' });

const parents = (root: string, rev: string): string[] => gitSync(root, 'rev-list', '--parents', '-n', '1', rev).split(' ').slice(1);

describe('look-ahead', () => {
  it('computes the next waiting entry on the predicted base, and its answers fit only that base and tip', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    const [a, b] = await sessionsWith(council, 2);
    const queue = new MergeQueue(council.ws);
    const ea = await queue.enqueue((a as Session).id, { strategy: 'merge', gate: null });
    const eb = await queue.enqueue((b as Session).id, { strategy: 'merge', gate: null });
    const predicted = gitSync(repo.root, 'rev-parse', (a as Session).branch);
    const tip = gitSync(repo.root, 'rev-parse', (b as Session).branch);

    const ahead = await lookAhead({ ws: council.ws, currentId: ea.id, baseBranch: 'main', currentBase: gitSync(repo.root, 'rev-parse', 'main'), predictedBase: predicted, trees: new Map() }, queue.waiting());
    expect(ahead).toMatchObject({ entryId: eb.id, base: predicted, tip });
    const candidate = await ahead?.candidate;
    expect(candidate?.kind).toBe('commit');
    const commit = candidate?.kind === 'commit' ? candidate.commit : '';
    expect(parents(repo.root, commit)).toEqual([predicted, tip]);
    expect(treeContents(repo.root, commit)['src/f1.ts']).toBe('export const f1 = "session 1";\n');
    expect(await ahead?.pending).toEqual([]);

    expect(usableLookAhead(ahead, eb.id, predicted, tip)).toBe(ahead);
    expect(usableLookAhead(ahead, eb.id, gitSync(repo.root, 'rev-parse', 'main'), tip)).toBeNull();
    expect(usableLookAhead(ahead, eb.id, predicted, predicted)).toBeNull();
    expect(usableLookAhead(ahead, ea.id, predicted, tip)).toBeNull();
  });

  it('does not look at a rebase entry, nor at an entry onto another base branch', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    const [a, b] = await sessionsWith(council, 2);
    const queue = new MergeQueue(council.ws);
    const ea = await queue.enqueue((a as Session).id, { strategy: 'merge', gate: null });
    await queue.enqueue((b as Session).id, { strategy: 'rebase', gate: null });
    const input = { ws: council.ws, currentId: ea.id, baseBranch: 'main', currentBase: gitSync(repo.root, 'rev-parse', 'main'), predictedBase: gitSync(repo.root, 'rev-parse', 'main'), trees: new Map<string, string>() };
    expect(await lookAhead(input, queue.waiting())).toBeNull();
    await queue.remove((b as Session).id);
    await queue.enqueue((b as Session).id, { strategy: 'squash', gate: null });
    expect(await lookAhead({ ...input, baseBranch: 'release' }, queue.waiting())).toBeNull();
  });

  it('when the current entry parks, the next one is merged on the base as it really is', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    const [a, b] = await sessionsWith(council, 2);
    const before = gitSync(repo.root, 'rev-parse', 'main');
    // A local change in the main checkout to the file A changes: A parks, after the look-ahead at B began.
    repo.write('src/f0.ts', 'export const f0 = "local edit";\n');
    const queue = new MergeQueue(council.ws);
    await queue.enqueue((a as Session).id, { strategy: 'merge', gate: null });
    await queue.enqueue((b as Session).id, { strategy: 'merge', gate: null });
    const run = await processQueue(council);

    expect(run.settled.map((e) => e.state)).toEqual(['parked', 'merged']);
    const merged = gitSync(repo.root, 'rev-parse', 'main');
    expect(parents(repo.root, merged)).toEqual([before, gitSync(repo.root, 'rev-parse', (b as Session).branch)]);
    const tree = treeContents(repo.root, 'main');
    expect(tree['src/f1.ts']).toBe('export const f1 = "session 1";\n');
    expect(tree['src/f0.ts']).toBe('export const f0 = 0;\n');
    expect(readFileSync(path.join(repo.root, 'src/f0.ts'), 'utf8')).toBe('export const f0 = "local edit";\n');
  });

  it('when the next session commits after the look-ahead, its new commit is merged too', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    const [a, b] = await sessionsWith(council, 2);
    const queue = new MergeQueue(council.ws);
    const ea = await queue.enqueue((a as Session).id, { strategy: 'merge', gate: null });
    await queue.enqueue((b as Session).id, { strategy: 'merge', gate: null });
    let committed = false;
    const onEvent = (e: MergeEvent): void => {
      // The look-ahead at B starts before A's journal is written: B moves after it.
      if (e.step !== 'journal-written' || e.entryId !== ea.id) return;
      writeIn((b as Session).worktreePath, 'late.txt', 'committed after the look-ahead\n');
      gitSync((b as Session).worktreePath, 'add', '-A');
      gitSync((b as Session).worktreePath, 'commit', '-q', '-m', 'late');
      committed = true;
    };
    const run = await processQueue(council, { onEvent });

    expect(committed).toBe(true);
    expect(run.settled.map((e) => e.state)).toEqual(['merged', 'merged']);
    expect(parents(repo.root, 'main')[1]).toBe(gitSync(repo.root, 'rev-parse', (b as Session).branch));
    expect(treeContents(repo.root, 'main')['late.txt']).toBe('committed after the look-ahead\n');
  });

  it('uncommitted work written while the next entry is looked at is never lost: merged with it, or left in the session, which is then not removed', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    await council.ws.updateSettings({ removeAfterMerge: true });
    const [a, b] = await sessionsWith(council, 2);
    const queue = new MergeQueue(council.ws);
    const ea = await queue.enqueue((a as Session).id, { strategy: 'merge', gate: null });
    await queue.enqueue((b as Session).id, { strategy: 'merge', gate: null });
    const late = path.join((b as Session).worktreePath, 'late.txt');
    const text = 'written while the next entry was looked at\n';
    const events: MergeEvent[] = [];
    const run = await processQueue(council, {
      onEvent: (e) => {
        events.push(e);
        // The look-ahead's git status of B runs from before this event; the file may land before
        // or after it looks (both are fine, as long as nothing is lost).
        if (e.step === 'journal-written' && e.entryId === ea.id) writeIn((b as Session).worktreePath, 'late.txt', text);
      },
    });

    expect(run.settled.map((e) => e.state)).toEqual(['merged', 'merged']);
    const inBase = treeContents(repo.root, 'main')['late.txt'] ?? null;
    const inWorktree = existsSync(late) ? readFileSync(late, 'utf8') : null;
    expect([inBase, inWorktree]).toContain(text);
    // Merged with B: B is removed. Left in B's worktree: B stays, and says why.
    expect(existsSync((b as Session).worktreePath)).toBe(inBase === null);
    const warnings = events.filter((e) => e.sessionId === (b as Session).id && e.step === 'warning').map((e) => e.message);
    expect(warnings).toEqual(inBase === null ? [`session ${(b as Session).id} was not removed: it has new uncommitted work`] : []);
    expect(existsSync((a as Session).worktreePath)).toBe(false);
  });
});
