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

  it('a follower that changes them ends the train after itself: the entries in front and it land together, the next on the moved base', async () => {
    const repo = makeRepo({ 'README.md': '# attrs\n', 'CHANGES.rst': 'start\n', 'src/x.ts': 'x\n' });
    const council = Council.open(repo.root);
    const [lead, changer, after] = await council.createSessions({ task: 'changes', count: 3 });
    writeIn(lead!.worktreePath, 'src/x.ts', 'x, from the lead\n');
    gitSync(lead!.worktreePath, 'commit', '-qam', 'lead: its own file');
    writeIn(changer!.worktreePath, '.gitattributes', 'CHANGES.rst merge=union\n');
    writeIn(changer!.worktreePath, 'CHANGES.rst', 'start\none\n');
    gitSync(changer!.worktreePath, 'add', '-A');
    gitSync(changer!.worktreePath, 'commit', '-qm', 'changer: union merges for CHANGES.rst, and a line');
    writeIn(after!.worktreePath, 'CHANGES.rst', 'start\ntwo\n');
    gitSync(after!.worktreePath, 'commit', '-qam', 'after: a line');
    const queue = new MergeQueue(council.ws);
    for (const s of [lead, changer, after]) await queue.enqueue(s!.id, { strategy: 'merge' });

    const result = await processQueue(council);
    expect(result.settled.map((e) => [e.sessionId, e.state, e.reason])).toEqual([
      [lead!.id, 'merged', null],
      [changer!.id, 'merged', null],
      [after!.id, 'merged', null],
    ]);
    expect(gitSync(repo.root, 'show', 'main:CHANGES.rst')).toBe('start\none\ntwo');
    // The lead and the changer in one move, the last entry in a second one.
    expect(gitSync(repo.root, 'reflog', '--format=%gs', 'main').split('\n').filter((l) => l.startsWith('council')).length).toBe(2);
  });
});
