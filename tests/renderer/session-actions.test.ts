import { describe, expect, it } from 'vitest';
import { defaultCommitMessage, discardWhat, hunkLabel, updatedWords } from '../../renderer/src/models/session-actions';

describe('session actions wording', () => {
  it("starts a commit message from the task's first line with words, cut to 100 characters", () => {
    expect(defaultCommitMessage('\n  Fix the login\nand more')).toBe('Fix the login');
    expect(defaultCommitMessage('x'.repeat(150))).toBe(`${'x'.repeat(99)}…`);
  });

  it('names a hunk by its header or number, and says what a discard does', () => {
    expect(hunkLabel(undefined)).toBeNull();
    expect(hunkLabel(2)).toBe('hunk 2');
    expect(hunkLabel({ header: ' @@ -1,3 +1,3 @@ fn ' })).toBe('@@ -1,3 +1,3 @@ fn');
    expect(discardWhat('a.ts', 2)).toBe('The hunk 2 of a.ts is reversed in the worktree; the rest of the file stays as it is.');
    expect(discardWhat('a.ts', undefined)).toContain('The uncommitted change of a.ts goes');
    expect(discardWhat('a.ts', undefined, true)).toBe('a.ts is a new file: it is deleted from the worktree.');
    expect(discardWhat('a.ts', undefined, false)).toBe("The uncommitted change of a.ts goes: the file is put back as the session's last commit has it.");
  });

  it('says how many commits came in', () => {
    expect(updatedWords('updated', 1, 'main')).toBe('1 commit came in from main');
    expect(updatedWords('updated', 3, 'main')).toBe('3 commits came in from main');
    expect(updatedWords('up-to-date', 0, 'main')).toBe('Already up to date with main: nothing came in');
  });
});
