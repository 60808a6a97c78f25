import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { QueueEntry } from '../../shared/merge';
import type { Session } from '../../shared/models';
import type { ReviewRound, ReviewView } from '../../shared/review';
import { requireCli, testUser } from '../agents/harness';
import { envWithoutAgents } from '../e2e/browser';
import { councilAsync, REPO_ROOT } from '../helpers/cli';
import { gitSync, makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type Script } from '../support/model-server/index';

/**
 * The supervisor's loop (issue 14) through the built `council` CLI only, each verb its own OS
 * process, on a real repository, with the REAL Claude Code running headless against the scripted
 * model server: a session's agent writes a file and ends; two comments on two of its lines; `review
 * send` resumes the finished Claude on its own conversation with the review (the model server's log
 * shows the resumed run's first request holding the earlier turns and the whole review); the agent
 * edits one of the commented lines and ends: ready for re-review, that comment addressed and the
 * other open; `review approve --merge` lands the work on the base branch. And a review sent while
 * the headless agent still runs: queued, the agent resumed with it when its run ends, and not "ready
 * for re-review" before the resumed run (the one that works on the review) has ended.
 */

const CLAUDE_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'claude');
const FILE = 'src/greet.ts';
const V1 = ["export const greet = (name: string) => 'Hello, ' + name;", 'export const twice = (n: number) => n * 2;', ''].join('\n');
const V2 = V1.replace("'Hello, ' + name", '`Hello, ${name}`');
const TASK = 'Write src/greet.ts with a greet and a twice function.';
const FIRST_ANSWER = 'Wrote src/greet.ts (FIRST-RUN-7731).';
const SCRIPT: Script = [
  { write: { path: FILE, content: V1 } },
  { text: FIRST_ANSWER },
  // The resumed run (the review): it reads the file, then changes line 1 only.
  { read: { path: FILE } },
  { write: { path: FILE, content: V2 } },
  { text: 'c1: greet uses a template literal now. c2: left as it is.' },
];
const SUMMARY = 'Two small things before this can land.';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

interface Loop {
  root: string;
  env: Record<string, string>;
  server: ModelServer;
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  json<T>(args: string[]): Promise<T>;
}

/** A repository set to use the installed Claude Code, a test user pointing it at the model server at `modelUrl`. */
async function loop(server: ModelServer, modelUrl = server.url): Promise<Loop> {
  const user = testUser('claude', modelUrl);
  const repo = makeRepo();
  const env = { ...user.env, PATH: envWithoutAgents().PATH as string, COUNCIL_APP_BIN: '' };
  const cli = (args: string[]) => councilAsync(args, { cwd: repo.root, env });
  const json = async <T>(args: string[]): Promise<T> => {
    const run = await cli(['--json', ...args]);
    let parsed: { ok: boolean; value?: T; error?: { message: string } };
    try {
      parsed = JSON.parse(run.stdout) as typeof parsed;
    } catch {
      throw new Error(`council --json ${args.join(' ')} printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    }
    if (!parsed.ok) throw new Error(`council ${args.join(' ')} failed (exit ${run.code}): ${parsed.error?.message}`);
    return parsed.value as T;
  };
  const set = await cli(['settings', 'set', 'agents.claude.path', CLAUDE_BIN]);
  expect(set.code, set.stderr).toBe(0);
  return { root: repo.root, env, server, cli, json };
}

async function model(script: Script): Promise<ModelServer> {
  const server = await startModelServer(script);
  closers.push(() => server.close());
  return server;
}

/** The session's latest run, as `council session logs ID --json` gives it. */
async function latestRun(l: Loop, id: string): Promise<AgentRun> {
  return (await l.json<{ run: AgentRun }>(['session', 'logs', id])).run;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `council session create --agent claude --headless`: the session, its agent under way in a detached agent host. */
async function createSession(l: Loop): Promise<Session> {
  const created = await l.json<{ sessions: Session[]; runs: AgentRun[] }>(['session', 'create', '--task', TASK, '--agent', 'claude', '--headless']);
  expect(created.sessions).toHaveLength(1);
  return created.sessions[0] as Session;
}

const turns = (server: ModelServer, from = 0) => server.requests.slice(from).filter((r) => r.kind === 'turn');

/**
 * A proxy in front of the model server that holds the first model turn matching each gate until the
 * test lets it go: the headless agent is then mid-run, for as long as the test needs.
 */
async function gatedProxy(target: string, gates: ((body: string) => boolean)[]): Promise<{ url: string; held: Promise<void>[]; release: (() => void)[] }> {
  const state = gates.map(() => {
    let hit!: () => void;
    let go!: () => void;
    const held = new Promise<void>((resolve) => (hit = resolve));
    const released = new Promise<void>((resolve) => (go = resolve));
    return { used: false, hit, go, held, released };
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      // A main-agent turn carries the tools (side queries do not); anything else is passed on at once.
      const hasTools = ((): boolean => {
        try {
          const parsed = JSON.parse(text) as { tools?: unknown[] };
          return Array.isArray(parsed.tools) && parsed.tools.length > 0;
        } catch {
          return false;
        }
      })();
      const gate = hasTools ? state.find((g, i) => !g.used && gates[i]!(text)) : undefined;
      if (gate) {
        gate.used = true;
        gate.hit();
      }
      void (gate ? gate.released : Promise.resolve()).then(() => {
        const headers = { ...req.headers, host: new URL(target).host };
        const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        upstream.end(body);
      });
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const g of state) g.go();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, held: state.map((g) => g.held), release: state.map((g) => g.go) };
}

/** Both comments, as the resumed run's first request must carry them. */
const REVIEW_PARTS = [
  'Code review: changes requested (2 comments).',
  'Summary from the reviewer:',
  SUMMARY,
  `[1] ${FILE}:1`,
  "1 | export const greet = (name: string) => 'Hello, ' + name;",
  'Use a template literal.',
  `[2] ${FILE}:2`,
  '2 | export const twice = (n: number) => n * 2;',
  'Use a shift instead of a multiplication.',
];

async function commentBoth(l: Loop, id: string): Promise<void> {
  const c1 = await l.cli(['review', 'comment', id, `${FILE}:1`, '-m', 'Use a template literal.']);
  expect(c1.stderr).toBe('');
  expect(c1.stdout).toBe(`added c1 on ${FILE}:1 (pending; send with: council review send ${id})\n`);
  const c2 = await l.cli(['review', 'comment', id, `${FILE}:2`, '-m', 'Use a shift instead of a multiplication.']);
  expect(c2.stdout).toBe(`added c2 on ${FILE}:2 (pending; send with: council review send ${id})\n`);
}

/** The re-review: ready, c1 (its line changed) addressed, c2 open; in the text and in --json. */
async function expectReReview(l: Loop, id: string): Promise<ReviewView> {
  const shown = await l.cli(['review', id]);
  expect(shown.code, shown.stderr).toBe(0);
  expect(shown.stdout).toContain(`session ${id}: ready for re-review`);
  expect(shown.stdout).toContain(`c1  ${FILE}:1  [sent in round 1, outdated, addressed (lines changed)]`);
  expect(shown.stdout).toContain(`c2  ${FILE}:2  [sent in round 1, open]\n    2 | export const twice = (n: number) => n * 2;\n  Use a shift instead of a multiplication.`);
  expect(shown.stdout).not.toContain('pending');
  const view = await l.json<ReviewView>(['review', id]);
  expect(view.status).toBe('ready-for-re-review');
  expect(view.comments.map((c) => ({ id: c.id, state: c.state, round: c.round, outcome: c.outcome, addressedBy: c.addressedBy }))).toEqual([
    { id: 'c1', state: 'sent', round: 1, outcome: 'addressed', addressedBy: 'changed' },
    { id: 'c2', state: 'sent', round: 1, outcome: 'open', addressedBy: null },
  ]);
  expect(view.comments[1]?.now).toEqual({ startLine: 2, endLine: 2 });
  return view;
}

describe.sequential('the review loop through the CLI, with the real Claude Code headless', () => {
  beforeAll(() => requireCli('claude'));

  it('create → agent writes → two comments → send resumes the ended agent with them → it edits one line → re-review → approve --merge lands it', async () => {
    const l = await loop(await model(SCRIPT));
    const session = await createSession(l);
    const baseBefore = gitSync(l.root, 'rev-parse', session.baseBranch);
    const first = await until('the first run to end', () => latestRun(l, session.id), (r) => r.state !== 'running' && r.state !== 'starting');
    expect(first, first.reason ?? '').toMatchObject({ state: 'done', mode: 'headless', preset: 'claude', agentSessionId: expect.any(String) });
    expect(readFileSync(path.join(session.worktreePath, FILE), 'utf8')).toBe(V1);

    // Clear errors: nothing to send yet; a line past the file's end.
    const empty = await l.cli(['review', 'send', session.id]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(`session ${session.id} has no pending comments and no summary: add a comment (council review comment ${session.id} PATH:LINE -m TEXT) or a summary (-m)`);
    const outside = await l.cli(['review', 'comment', session.id, `${FILE}:2-5`, '-m', 'x']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain(`lines 2-5 is outside ${FILE}: it has 2 lines`);

    await commentBoth(l, session.id);
    const pending = await l.cli(['review', session.id]);
    expect(pending.stdout).toContain(`session ${session.id}: not reviewed`);
    expect(pending.stdout).toContain(`c1  ${FILE}:1  [pending]\n    1 | export const greet = (name: string) => 'Hello, ' + name;\n  Use a template literal.`);
    expect(pending.stdout).toContain(`c2  ${FILE}:2  [pending]\n    2 | export const twice = (n: number) => n * 2;\n  Use a shift instead of a multiplication.`);
    expect(pending.stdout).toContain(`2 pending; send them to the agent with: council review send ${session.id}`);
    const pendingJson = await l.json<ReviewView>(['review', session.id]);
    expect(pendingJson.comments.map((c) => [c.id, c.path, c.startLine, c.endLine, c.state])).toEqual([
      ['c1', FILE, 1, 1, 'pending'],
      ['c2', FILE, 2, 2, 'pending'],
    ]);

    // Request changes: the ended headless Claude is resumed on its own conversation with the review.
    const before = l.server.requests.length;
    const sent = await l.json<{ round: ReviewRound; delivered: string }>(['review', 'send', session.id, '-m', SUMMARY]);
    expect(sent.delivered).toBe('resumed');
    expect(sent.round).toMatchObject({ n: 1, commentIds: ['c1', 'c2'], summary: SUMMARY });
    const resumed = await until('the resumed run to end', () => latestRun(l, session.id), (r) => r.id !== first.id && r.state !== 'running' && r.state !== 'starting', 90_000);
    expect(resumed, resumed.reason ?? '').toMatchObject({ state: 'done', mode: 'headless', agentSessionId: first.agentSessionId });
    expect(resumed.hostPid).not.toBe(first.hostPid); // a new detached agent host: the first one ended with its run

    const body = JSON.stringify(turns(l.server, before)[0]?.body ?? null);
    expect(body).toContain(TASK); // the earlier prompt
    expect(body).toContain(FIRST_ANSWER); // the model's earlier answer
    for (const part of REVIEW_PARTS) expect(body, part).toContain(part);
    expect(body).toContain(JSON.stringify(sent.round.message).slice(1, -1)); // the round's message, word for word
    expect(body.indexOf('Code review: changes requested')).toBeGreaterThan(body.indexOf(FIRST_ANSWER));
    expect(readFileSync(path.join(session.worktreePath, FILE), 'utf8')).toBe(V2);
    expect(l.server.errors).toEqual([]);

    // Nothing left to send.
    const again = await l.cli(['review', 'send', session.id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('has no pending comments and no summary');

    await expectReReview(l, session.id);

    // Approve and merge: the merge queue lands the session's work on the base branch.
    const approved = await l.cli(['review', 'approve', session.id, '--merge']);
    expect(approved.code, approved.stderr).toBe(0);
    const entryId = /queued for merging as entry ([0-9a-f]+)/.exec(approved.stdout)?.[1];
    expect(entryId, approved.stdout).toBeDefined();
    const merged = await until('the merge to land', () => l.json<QueueEntry[]>(['queue', 'list']), (q) => q.some((e) => e.id === entryId && (e.state === 'merged' || e.state === 'parked')), 60_000);
    expect(merged.find((e) => e.id === entryId)).toMatchObject({ state: 'merged', sessionId: session.id });
    expect(gitSync(l.root, 'show', `${session.baseBranch}:${FILE}`)).toBe(V2.trimEnd());
    // Exactly the agent's work landed (nothing of the agent's own set-up), and the main checkout shows it.
    expect(gitSync(l.root, 'diff', '--name-only', `${baseBefore}..${session.baseBranch}`).split('\n')).toEqual([FILE]);
    expect(readFileSync(path.join(l.root, FILE), 'utf8')).toBe(V2);
    const final = await l.cli(['review', session.id]);
    expect(final.stdout).toContain(`session ${session.id}: approved`);
    expect(final.stdout).toContain(`(merge queue entry ${entryId})`);
    expect((await l.json<ReviewView>(['review', session.id])).status).toBe('approved');
  }, 180_000);

  it('sent while the headless agent runs: queued; its agent host resumes it with the review when the run ends; ready only once that run has ended', async () => {
    const server = await model(SCRIPT);
    // Holds the first run after its write (so it is still running when the review is sent), and the
    // resumed run's first turn (so the review can be read while the agent works on it).
    const proxy = await gatedProxy(server.url, [(body) => body.includes('tool_result') && !body.includes('Code review'), (body) => body.includes('Code review: changes requested')]);
    const l = await loop(server, proxy.url);
    const session = await createSession(l);
    await proxy.held[0];
    const first = await latestRun(l, session.id);
    expect(first.state).toBe('running');
    expect(readFileSync(path.join(session.worktreePath, FILE), 'utf8')).toBe(V1);

    await commentBoth(l, session.id);
    const sent = await l.cli(['review', 'send', session.id, '-m', SUMMARY]);
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toBe('sent round 1 (2 comments) to the agent (queued); changes requested\n');
    expect((await l.json<ReviewView>(['review', session.id])).status).toBe('changes-requested');

    // The first run ends; the host that ran it resumes the conversation with the review.
    const before = server.requests.length;
    proxy.release[0]!();
    await proxy.held[1];
    const resumed = await latestRun(l, session.id);
    expect(resumed).toMatchObject({ state: 'running', mode: 'headless', hostPid: first.hostPid });
    expect(resumed.id).not.toBe(first.id);
    // The agent is working on the review: the changes are still requested, not ready for re-review.
    const working = await l.cli(['review', session.id]);
    expect(working.stdout).toContain(`session ${session.id}: changes requested`);
    expect((await l.json<ReviewView>(['review', session.id])).status).toBe('changes-requested');

    proxy.release[1]!();
    const ended = await until('the resumed run to end', () => latestRun(l, session.id), (r) => r.id === resumed.id && r.state !== 'running' && r.state !== 'starting', 90_000);
    expect(ended, ended.reason ?? '').toMatchObject({ state: 'done', agentSessionId: first.agentSessionId });
    const body = JSON.stringify(turns(server, before).find((r) => JSON.stringify(r.body).includes('Code review'))?.body ?? null);
    expect(body).toContain(FIRST_ANSWER);
    for (const part of REVIEW_PARTS) expect(body, part).toContain(part);
    expect(readFileSync(path.join(session.worktreePath, FILE), 'utf8')).toBe(V2);
    expect(server.errors).toEqual([]);
    await expectReReview(l, session.id);
  }, 180_000);
});
