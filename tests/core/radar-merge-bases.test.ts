import { describe, expect, it } from 'vitest';
import { mergeBasesInGraph, mergeBasesMany } from '../../electron/core/radar/merge-bases';
import { parseRevListParents } from '../../electron/core/git/parse';
import { gitSync, makeRepo, type TestRepo } from '../helpers/repo';

// Many merge bases at once (two git processes), against `git merge-base` itself.

describe('mergeBasesInGraph', () => {
  //        X ← a1 ← a2            (branch a)
  //        X ← b1 ← b2 ← b3       (branch b, b1 also the parent of c1)
  //                b1 ← c1        (branch c)
  const graph = parseRevListParents(['a2 a1', 'a1 X', 'b3 b2', 'b2 b1', 'b1 X', 'c1 b1', ''].join('\n'));

  it('finds the best common ancestor above the bottom, or the bottom itself', () => {
    expect(mergeBasesInGraph(graph, 'X', [['a2', 'b3'], ['b3', 'c1'], ['b2', 'b3'], ['c1', 'c1'], ['X', 'a2']])).toEqual(['X', 'b1', 'b2', 'c1', 'X']);
  });

  it('says "ambiguous" for a criss-cross (two best common ancestors)', () => {
    // m1 and m2 each merge p and q: both p and q are best common ancestors of m1 and m2.
    const criss = parseRevListParents(['m1 p q', 'm2 q p', 'p X', 'q X'].join('\n'));
    expect(mergeBasesInGraph(criss, 'X', [['m1', 'm2'], ['m1', 'p']])).toEqual(['ambiguous', 'p']);
  });
});

describe('mergeBasesMany on a real history', () => {
  function commit(repo: TestRepo, branch: string, file: string): string {
    gitSync(repo.root, 'checkout', '-q', branch);
    repo.write(file, `${branch} ${file}\n`);
    return repo.commitAll(`${branch}: ${file}`);
  }

  it('answers what git merge-base answers for every pair, criss-cross merges included', async () => {
    const repo = makeRepo({ 'base.txt': 'base\n' });
    const tips: string[] = [gitSync(repo.root, 'rev-parse', 'main')];
    for (const b of ['a', 'b', 'c']) gitSync(repo.root, 'branch', b, 'main');
    tips.push(commit(repo, 'main', 'm1.txt'));
    gitSync(repo.root, 'branch', 'd', 'main');
    tips.push(commit(repo, 'a', 'a1.txt'), commit(repo, 'a', 'a2.txt'));
    tips.push(commit(repo, 'b', 'b1.txt'));
    tips.push(commit(repo, 'c', 'c1.txt'));
    tips.push(commit(repo, 'd', 'd1.txt'), commit(repo, 'main', 'm2.txt'));
    // A criss-cross between a and b: each merges the other's tip.
    const aTip = gitSync(repo.root, 'rev-parse', 'a');
    const bTip = gitSync(repo.root, 'rev-parse', 'b');
    gitSync(repo.root, 'checkout', '-q', 'a');
    gitSync(repo.root, 'merge', '-q', '--no-edit', bTip);
    gitSync(repo.root, 'checkout', '-q', 'b');
    gitSync(repo.root, 'merge', '-q', '--no-edit', aTip);
    tips.push(gitSync(repo.root, 'rev-parse', 'a'), gitSync(repo.root, 'rev-parse', 'b'));
    tips.push(commit(repo, 'a', 'a3.txt'));

    const pairs: [string, string][] = [];
    for (let i = 0; i < tips.length; i++) for (let j = i; j < tips.length; j++) pairs.push([tips[i] as string, tips[j] as string]);
    const expected = pairs.map(([x, y]) => gitSync(repo.root, 'merge-base', x, y));
    expect(await mergeBasesMany(repo.root, pairs, 2)).toEqual(expected);
  });
});
