import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { useScript } from '../agents/fake-agents';
import { council as cli, councilAsync, councilJson } from '../helpers/cli';
import { makeRepo, writeIn } from '../helpers/repo';

/**
 * `council review …` through the real built CLI, as its own process, on a real repository: the
 * review it prints is the one the app keeps (a round sent by another process shows as sent, its
 * comments addressed or open), and bad input is refused with what to do.
 */

const FILE = 'export function hello(name: string) {\n  return "hi " + name;\n}\n';

let opened: Council | null = null;
afterEach(async () => {
  if (opened) {
    for (const s of opened.listSessions()) await (await opened.agents()).stop(s.id).catch(() => undefined);
    await opened.close();
  }
  opened = null;
});

function scene(): { root: string; session: Session } {
  const repo = makeRepo();
  const created = councilJson<Session[]>(['session', 'create', '--task', 'greet'], { cwd: repo.root });
  if (!created.result.ok) throw new Error(created.result.error.message);
  const session = created.result.value[0] as Session;
  writeIn(session.worktreePath, 'src/hello.ts', FILE);
  return { root: repo.root, session };
}

describe('council review', () => {
  it('comment, show, send (refused without an agent: nothing lost), and clear errors', () => {
    const { root, session } = scene();
    const added = cli(['review', 'comment', session.id, 'src/hello.ts:1-2', '-m', 'Use a template literal.'], { cwd: root });
    expect(added.stderr).toBe('');
    expect(added.stdout).toBe(`added c1 on src/hello.ts:1-2 (pending; send with: council review send ${session.id})\n`);
    // Any file of the worktree may be commented on, changed by the session or not.
    expect(cli(['review', 'comment', session.id, 'src/a.ts:1', '-m', 'Unchanged, but related.'], { cwd: root }).code).toBe(0);

    const shown = cli(['review', session.id], { cwd: root });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`session ${session.id}: not reviewed`);
    expect(shown.stdout).toContain('c1  src/hello.ts:1-2  [pending]\n    1 | export function hello(name: string) {\n    2 |   return "hi " + name;\n  Use a template literal.');
    expect(shown.stdout).toContain(`2 pending; send them to the agent with: council review send ${session.id}`);
    expect(cli(['review', 'show', session.id], { cwd: root }).stdout).toBe(shown.stdout);

    const outside = cli(['review', 'comment', session.id, 'src/hello.ts:3-7', '-m', 'x'], { cwd: root });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('lines 3-7 is outside src/hello.ts: it has 3 lines');
    const badLocation = cli(['review', 'comment', session.id, 'src/hello.ts', '-m', 'x'], { cwd: root });
    expect(badLocation.code).toBe(2);
    expect(badLocation.stderr).toContain('is not PATH:LINE or PATH:FIRST-LAST');
    const missing = cli(['review', 'comment', session.id, 'src/nope.ts:1', '-m', 'x'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`src/nope.ts is not in session ${session.id}'s worktree`);
    const unknown = cli(['review', 'ffffff'], { cwd: root });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('ffffff');

    const send = cli(['review', 'send', session.id, '-m', 'Close.'], { cwd: root });
    expect(send.code).toBe(3);
    // The reason, and the exact command that fixes it.
    expect(send.stderr).toContain(`the review was not sent (the comments stay pending): session ${session.id} has no agent yet; start an agent with the review as its prompt: council review send ${session.id} --start --agent <claude|codex|`);
    expect(cli(['review', 'send', session.id, '--agent', 'claude'], { cwd: root }).stderr).toContain('--agent names the agent to start: add --start');
    expect(cli(['review', 'send', session.id, '--start', '--agent', 'clod'], { cwd: root }).stderr).toContain('--agent must be one of claude, codex');
    const after = councilJson<{ comments: { state: string }[] }>(['review', session.id], { cwd: root });
    expect(after.result.ok && after.result.value.comments.map((c) => c.state)).toEqual(['pending', 'pending']);
  });

  it('send --start --agent: the command the refusal names starts the agent with the review as its prompt', async () => {
    const { root, session } = scene();
    expect(cli(['review', 'comment', session.id, 'src/hello.ts:2', '-m', 'Use a template literal.'], { cwd: root }).code).toBe(0);
    const app = Council.open(root);
    opened = app;
    await useScript(app, 'claude', [{ argvTo: '.argv.jsonl' }]);
    const sent = cli(['review', 'send', session.id, '--start', '--agent', 'claude'], { cwd: root });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('sent round 1 (1 comment) to the agent (started); changes requested');
    const argv = path.join(session.worktreePath, '.argv.jsonl');
    await expect.poll(() => existsSync(argv) && readFileSync(argv, 'utf8'), { timeout: 20_000 }).toContain('Use a template literal.');
  });

  it('send reaches an interactive agent another process hosts (through its inbox); the review shows addressed and open marks; approve --merge queues it', async () => {
    const { root, session } = scene();
    expect(cli(['review', 'comment', session.id, 'src/hello.ts:2', '-m', 'Use a template literal.'], { cwd: root }).code).toBe(0);
    expect(cli(['review', 'comment', session.id, 'src/hello.ts:1', '-m', 'Name it greet.'], { cwd: root }).code).toBe(0);
    // The app's process hosts the interactive agent (the fake one echoes every line it reads).
    const app = Council.open(root);
    opened = app;
    await useScript(app, 'claude', [{ echoStdin: true }]);
    const manager = await app.agents();
    const output: string[] = [];
    manager.attach(session.id, (_run, chunk) => output.push(chunk.data));
    await manager.start(session.id, { preset: 'claude', mode: 'interactive' });
    const sent = await councilAsync(['review', 'send', session.id, '-m', 'Two things.'], { cwd: root });
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toBe('sent round 1 (2 comments) to the agent (terminal); changes requested\n');
    await expect.poll(() => output.join(''), { timeout: 10_000 }).toContain('echo: When you are done, stop and say briefly what you changed for each comment.');
    expect(output.join('')).toContain('echo: [2] src/hello.ts:1');
    const view = councilJson<{ rounds: { snapshot: string }[] }>(['review', session.id], { cwd: root });
    if (!view.result.ok) throw new Error(view.result.error.message);
    const round = view.result.value.rounds[0] as { snapshot: string };
    writeFileSync(path.join(session.worktreePath, 'src/hello.ts'), FILE.replace('"hi " + name', '`hi ${name}`'));

    const shown = cli(['review', session.id], { cwd: root });
    expect(shown.stdout).toContain(`session ${session.id}: changes requested`);
    expect(shown.stdout).toContain(`the review snapshot is ${round.snapshot}`);
    expect(shown.stdout).toContain('c1  src/hello.ts:2  [sent in round 1, outdated, addressed (lines changed)]');
    expect(shown.stdout).toContain('c2  src/hello.ts:1  [sent in round 1, open]');
    expect(cli(['review', 'resolve', session.id, 'c2'], { cwd: root }).stdout).toBe('c2 is resolved\n');

    const approved = cli(['review', 'approve', session.id, '--merge'], { cwd: root });
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(new RegExp(`^approved session ${session.id}; queued for merging as entry [0-9a-f]+`));
    const queue = councilJson<{ sessionId: string }[]>(['queue', 'list'], { cwd: root });
    expect(queue.result.ok && queue.result.value.map((e) => e.sessionId)).toEqual([session.id]);
    expect(cli(['review', session.id], { cwd: root }).stdout).toContain(`session ${session.id}: approved`);
  });
});
