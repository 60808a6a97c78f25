import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue } from '../../electron/core/merge/index';
import { gitSync, makeRepo, writeIn } from '../helpers/repo';

/*
 * Found by the replay of flask's history (docs/reliability.md, section 6): flask's .gitattributes
 * says `CHANGES.rst merge=union`. git reads merge attributes from the checkout's working tree, so
 * an entry merged on top of one that adds them — in a train, before the checkout holds them — was
 * merged without them and parked on a conflict git itself would not have.
 */
describe('a train and merge attributes', () => {
  it('nothing follows an entry that changes .gitattributes: the next lands as it would one at a time', async () => {
    const repo = makeRepo({ 'README.md': '# attrs\n', 'CHANGES.rst': 'start\n' });
    const council = Council.open(repo.root);
    const [a, b] = await council.createSessions({ task: 'changes', count: 2 });
    writeIn(a!.worktreePath, '.gitattributes', 'CHANGES.rst merge=union\n');
    writeIn(a!.worktreePath, 'CHANGES.rst', 'start\none\n');
    gitSync(a!.worktreePath, 'add', '-A');
    gitSync(a!.worktreePath, 'commit', '-qm', 'a: union merges for CHANGES.rst, and a line');
    writeIn(b!.worktreePath, 'CHANGES.rst', 'start\ntwo\n');
    gitSync(b!.worktreePath, 'commit', '-qam', 'b: a line');
    const queue = new MergeQueue(council.ws);
    await queue.enqueue(a!.id, { strategy: 'merge' });
    await queue.enqueue(b!.id, { strategy: 'merge' });

    const result = await processQueue(council);
    expect(result.settled.map((e) => [e.sessionId, e.state, e.reason])).toEqual([
      [a!.id, 'merged', null],
      [b!.id, 'merged', null],
    ]);
    expect(gitSync(repo.root, 'show', 'main:CHANGES.rst')).toBe('start\none\ntwo');
    // Two moves of the base, not one: b was merged once the checkout had a's attributes.
    expect(gitSync(repo.root, 'reflog', '--format=%gs', 'main').split('\n').filter((l) => l.startsWith('council')).length).toBe(2);
  });
});
