import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { council as cli } from '../helpers/cli';
import { gitSync, makeRepo, tempDir, writeIn } from '../helpers/repo';

// What a reviewer does to a session, through the real `council` CLI (each call its own OS process):
// commit, discard (a file, a hunk), update from base (conflict, undo), open, merge with a message.

const LINES = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);

async function setup(): Promise<{ root: string; id: string; wt: string }> {
  const repo = makeRepo({ 'README.md': '# demo\n', 'src/long.txt': `${LINES.join('\n')}\n`, 'src/b.ts': 'export const b = 2;\n' });
  const [s] = await Council.open(repo.root).createSessions({ task: 'cli actions' });
  return { root: repo.root, id: s!.id, wt: s!.worktreePath };
}

const read = (file: string): string => readFileSync(file, 'utf8');

describe('council session commit / discard', () => {
  it('commits with -m, then discards a hunk by number and a file, printing where each is kept and how to get it back', async () => {
    const { root, id, wt } = await setup();
    writeIn(wt, 'src/b.ts', 'export const b = 3;\n');
    const committed = cli(['session', 'commit', id, '-m', 'change b'], { cwd: root });
    expect(committed.code, committed.stderr).toBe(0);
    expect(committed.stdout).toMatch(/^committed 1 file\(s\) as [0-9a-f]{10}/);
    expect(gitSync(wt, 'log', '-1', '--format=%s')).toBe('change b');

    const lines = [...LINES];
    lines[1] = 'two';
    lines[27] = 'twenty-eight';
    writeIn(wt, 'src/long.txt', `${lines.join('\n')}\n`);
    const hunk = cli(['session', 'discard', id, 'src/long.txt', '--hunk', '2'], { cwd: root });
    expect(hunk.code, hunk.stderr).toBe(0);
    const ref = `refs/council/archive/${id}/discard-1`;
    expect(hunk.stdout).toContain('discarded the hunk @@ -25,6 +25,6 @@');
    expect(hunk.stdout).toContain(`kept at ${ref}`);
    expect(hunk.stdout).toContain(`to get it back: git -C ${wt} checkout ${ref} -- src/long.txt`);
    expect(read(path.join(wt, 'src/long.txt'))).toContain('two\n');
    expect(read(path.join(wt, 'src/long.txt'))).not.toContain('twenty-eight');

    const whole = cli(['session', 'discard', id, 'src/long.txt'], { cwd: root });
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toContain(`kept at refs/council/archive/${id}/discard-2`);
    expect(read(path.join(wt, 'src/long.txt'))).toBe(`${LINES.join('\n')}\n`);
    expect(gitSync(root, 'show', `refs/council/archive/${id}/discard-2:src/long.txt`).split('\n')[1]).toBe('two');

    const none = cli(['session', 'discard', id, 'src/long.txt'], { cwd: root });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`src/long.txt has no uncommitted change in session ${id}`);
    const badHunk = cli(['session', 'discard', id, 'src/b.ts', '--hunk', 'first'], { cwd: root });
    expect(badHunk.code).toBe(2);
    expect(badHunk.stderr).toContain('--hunk must be a hunk\'s number');
  });

  it("--help says how hunks are numbered", () => {
    const help = cli(['session', 'discard', '--help'], { cwd: tempDir() });
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('numbered 1, 2, … as `git diff HEAD -- <path>` prints them');
  });
});

describe('council session update', () => {
  it('refuses a dirty worktree; merges; on a conflict exits 3 naming the files; --abort puts everything back', async () => {
    const { root, id, wt } = await setup();
    writeIn(root, 'src/b.ts', 'export const b = "base";\n');
    gitSync(root, 'commit', '-qam', 'base changes b');
    writeIn(wt, 'src/b.ts', 'export const b = "session";\n');
    const dirty = cli(['session', 'update', id], { cwd: root });
    expect(dirty.code).toBe(3);
    expect(dirty.stderr).toContain('commit them first (council session commit');
    gitSync(wt, 'commit', '-qam', 'session changes b');
    const head = gitSync(wt, 'rev-parse', 'HEAD');

    const conflict = cli(['session', 'update', id], { cwd: root });
    expect(conflict.code, conflict.stderr).toBe(3);
    expect(conflict.stderr).toContain('stopped on conflicts in: src/b.ts');
    expect(conflict.stderr).toContain(`council session update ${id} --abort`);
    expect(read(path.join(wt, 'src/b.ts'))).toContain('<<<<<<<');

    const undo = cli(['session', 'update', id, '--abort'], { cwd: root });
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain('its branch and files are as before');
    expect(gitSync(wt, 'rev-parse', 'HEAD')).toBe(head);
    expect(read(path.join(wt, 'src/b.ts'))).toBe('export const b = "session";\n');
    expect(gitSync(wt, 'status', '--porcelain')).toBe('');

    // The base's change to another file comes in cleanly by rebase.
    gitSync(root, 'revert', '--no-edit', 'HEAD');
    const rebased = cli(['session', 'update', id, '--rebase'], { cwd: root });
    expect(rebased.code, rebased.stderr).toBe(0);
    expect(rebased.stdout).toBe(`updated session ${id} from main (rebase): 2 commit(s) came in\n`);
  });
});

describe('council session show during a conflicted update', () => {
  it('names the conflict once, with its files, and counts only the session\'s own changes', async () => {
    const { root, id, wt } = await setup();
    // The base: a conflicting change to b.ts and 40 new lines elsewhere (which come in with the update).
    writeIn(root, 'src/b.ts', 'export const b = "base";\n');
    writeIn(root, 'src/big.txt', `${Array.from({ length: 40 }, (_, i) => `base ${i}`).join('\n')}\n`);
    gitSync(root, 'add', '-A');
    gitSync(root, 'commit', '-qm', 'base changes b, adds big');
    writeIn(wt, 'src/b.ts', 'export const b = "session";\n');
    writeIn(wt, 'src/own.txt', 'mine\n');
    gitSync(wt, 'add', '-A');
    gitSync(wt, 'commit', '-qm', 'session changes b, adds own');
    const before = cli(['session', 'show', id], { cwd: root });
    const ownChanges = /changes {3}1 ahead, 1 behind; (2 files, \+2 -1)/.exec(before.stdout)?.[1];
    expect(ownChanges, before.stdout).toBe('2 files, +2 -1');

    expect(cli(['session', 'update', id], { cwd: root }).code).toBe(3);
    const shown = cli(['session', 'show', id], { cwd: root });
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines).toContain('changes   1 ahead, 1 behind; 2 files, +2 -1 of its own (what the update brings in not counted)');
    expect(lines).toContain('update    the merge of main stopped on conflicts in 1 file: src/b.ts');
    expect(lines).toContain(`          resolve them in the worktree and commit (council session commit ${id} -m "…"), or undo it: council session update ${id} --abort`);
    // Said once: the context's own copy of the reason is not repeated.
    expect(shown.stdout.match(/stopped on conflicts/g)).toHaveLength(1);
    expect(lines.find((l) => l.startsWith('status'))).toMatch(/^status {4}blocked/);
    expect(lines).toContain('blocked   by the conflicted update above');
    expect(lines.some((l) => l.startsWith('message'))).toBe(false);

    const json = JSON.parse(cli(['--json', 'session', 'show', id], { cwd: root }).stdout) as { value: { update?: { strategy: string; files: string[] }; stats: { filesChanged: number; insertions: number } } };
    expect(json.value.update).toEqual({ strategy: 'merge', files: ['src/b.ts'] });
    expect(json.value.stats).toMatchObject({ filesChanged: 2, insertions: 2 });

    // Undone: no update line, the counts as before.
    expect(cli(['session', 'update', id, '--abort'], { cwd: root }).code).toBe(0);
    const after = cli(['session', 'show', id], { cwd: root });
    expect(after.stdout).not.toContain('update    ');
    expect(after.stdout).toContain('changes   1 ahead, 1 behind; 2 files, +2 -1\n');
  });
});

describe('the "update was undone" note', () => {
  const message = (root: string, id: string): string | null => (JSON.parse(cli(['--json', 'context', 'show', id], { cwd: root }).stdout) as { value: { message: string | null } }).value.message;

  it('says how the update ended until the next action on the session, or its next change', async () => {
    const { root, id, wt } = await setup();
    writeIn(root, 'src/b.ts', 'export const b = "base";\n');
    gitSync(root, 'commit', '-qam', 'base changes b');
    writeIn(wt, 'src/b.ts', 'export const b = "session";\n');
    gitSync(wt, 'commit', '-qam', 'session changes b');
    const conflictThenUndo = () => {
      expect(cli(['session', 'update', id], { cwd: root }).code).toBe(3);
      expect(cli(['session', 'update', id, '--abort'], { cwd: root }).code).toBe(0);
      expect(message(root, id)).toBe('the update from main was undone');
    };

    // The next action: a commit.
    conflictThenUndo();
    writeIn(wt, 'src/own.txt', 'mine\n');
    expect(cli(['session', 'commit', id, '-m', 'more work'], { cwd: root }).code).toBe(0);
    expect(message(root, id)).toBeNull();

    // The next action: a discard.
    conflictThenUndo();
    writeIn(wt, 'src/own.txt', 'changed\n');
    expect(cli(['session', 'discard', id, 'src/own.txt'], { cwd: root }).code).toBe(0);
    expect(message(root, id)).toBeNull();

    // The session's next change: its agent's hook says it works (no message of its own).
    conflictThenUndo();
    expect(cli(['context', 'update', '--session', id, '--status', 'working', '--file', 'src/b.ts'], { cwd: root }).code).toBe(0);
    expect(message(root, id)).toBeNull();

    // An agent's own message is its own: kept.
    expect(cli(['context', 'update', '--session', id, '--message', 'halfway'], { cwd: root }).code).toBe(0);
    expect(cli(['context', 'update', '--session', id, '--status', 'done'], { cwd: root }).code).toBe(0);
    expect(message(root, id)).toBe('halfway');
  });
});

describe('council session open', () => {
  it('starts the program of the setting, in the worktree, with the worktree as {path}', async () => {
    const { root, id, wt } = await setup();
    const dir = tempDir('council-open-');
    const log = path.join(dir, 'log.txt');
    const program = path.join(dir, 'stand-in-terminal');
    writeFileSync(program, `#!/bin/sh\n{ pwd; for a in "$@"; do printf '%s\\n' "$a"; done; } > '${log}'\n`);
    chmodSync(program, 0o755);
    const set = cli(['settings', 'set', 'openTerminal', '--', program, '--working-directory={path}'], { cwd: root });
    expect(set.code, set.stderr).toBe(0);
    const opened = cli(['session', 'open', id, '--terminal'], { cwd: root });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout).toContain(`opened ${wt} with: ${program} --working-directory=${wt} (setting openTerminal)`);
    const end = Date.now() + 10_000;
    while (!(existsSync(log) && read(log).split('\n').length >= 3) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    expect(read(log)).toBe(`${wt}\n--working-directory=${wt}\n`);

    expect(cli(['settings', 'set', 'openFileManager', '/no/such/file-manager'], { cwd: root }).code).toBe(0);
    const missing = cli(['session', 'open', id, '--files'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the file manager "/no/such/file-manager" was not found (setting openFileManager)');
    const both = cli(['session', 'open', id, '--files', '--editor'], { cwd: root });
    expect(both.code).not.toBe(0);
  });
});

describe('council merge --message', () => {
  it("lands the base's merge commit with the message given", async () => {
    const { root, id, wt } = await setup();
    writeIn(wt, 'src/b.ts', 'export const b = 3;\n');
    const merged = cli(['merge', id, '--wait', '--strategy', 'merge', '--no-gate', '-m', 'Land b = 3\n\nChecked by hand.'], { cwd: root });
    expect(merged.code, merged.stderr).toBe(0);
    expect(gitSync(root, 'log', '-1', '--format=%B', 'main')).toBe('Land b = 3\n\nChecked by hand.');
  });
});
