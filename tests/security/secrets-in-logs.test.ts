/**
 * No tokens or keys in our logs. The rule:
 *
 *   Council never writes a secret it was given — the API keys in the environment it passes on to
 *   agents, the browser host's access token — into anything of its own: the shared state under
 *   .git/council (registry, locks, context, run records, events, settings, agent homes), ~/.council,
 *   its messages on stdout/stderr, the host's log. The host's URL, token included, is printed once
 *   on the terminal for the user to open (that is what it is for), and written nowhere.
 *
 *   What an agent prints is the agent's own output: it is kept verbatim as that run's transcript
 *   (its .log, and the events parsed from it) and shown where transcripts are shown. An agent that
 *   prints its key has its key in its transcript, and nowhere else.
 *
 * Checked end to end with the real `council` CLI and `council serve`, agents played by the fake
 * agent (as Claude Code, Codex and Gemini CLI, through their presets and hooks), and random secrets
 * no file could contain by chance. Files are read without following symlinks (the Gemini preset
 * links the user's own ~/.gemini entries into a session's Gemini home; those files are the user's).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { council as runCouncil, COUNCIL_BIN, type CliResult } from '../helpers/cli';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo';
import { walk } from '../helpers/walk';
import { claudeWrites, FAKE_AGENT, type Step } from '../agents/fake-agents';
import { ensureRendererBuild } from '../host/renderer-build';
import { claudeWrite } from './lock-faults';

const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;
const KEYS = { ANTHROPIC_API_KEY: secret('sk-ant-api03-'), OPENAI_API_KEY: secret('sk-proj-'), GEMINI_API_KEY: secret('AIza') };

/** Every regular file under `root` (symlinks are not followed), with its content. */
function filesUnder(root: string): { file: string; text: string }[] {
  return walk(root)
    .filter((e) => e.file)
    .map((e) => ({ file: e.full, text: readFileSync(e.full).toString('latin1') }));
}

/** The files under `roots` that contain `value`. */
const containing = (roots: string[], value: string): string[] => roots.flatMap(filesUnder).filter(({ text }) => text.includes(value)).map(({ file }) => file).sort();

/** A test user: their own HOME, their keys in the environment. */
function user(): { home: string; env: Record<string, string> } {
  const home = tempDir('council-secret-user-');
  mkdirSync(path.join(home, '.gemini'), { recursive: true });
  writeFileSync(path.join(home, '.gemini', 'settings.json'), '{ "security": { "auth": { "selectedType": "gemini-api-key" } } }\n');
  return { home, env: { ...(process.env as Record<string, string>), HOME: home, ...KEYS } };
}

async function useFakeAgents(council: Council, scripts: Partial<Record<'claude' | 'codex' | 'gemini', Step[]>>): Promise<void> {
  const agents = { ...council.ws.settings().agents };
  for (const [preset, script] of Object.entries(scripts)) agents[preset as 'claude'] = { path: FAKE_AGENT, env: { FAKE_AGENT_SCRIPT: JSON.stringify(script) } };
  await council.ws.updateSettings({ agents });
}

describe('the CLI and its agents', () => {
  it('write none of the keys they were given: not in .git/council, not in ~/.council, not on stdout or stderr', async () => {
    const repo = makeRepo();
    const { home, env } = user();
    const c = Council.open(repo.root);
    await useFakeAgents(c, {
      claude: [...claudeWrites('src/new.ts', 'export const n = 1;\n'), { stderr: 'claude: a warning of its own\n' }],
      codex: [{ write: { path: 'src/codex.ts', content: 'export const c = 1;\n' } }, { print: 'codex: done\n' }],
      gemini: [{ write: { path: 'src/gemini.ts', content: 'export const g = 1;\n' } }, { print: 'gemini: done\n' }],
    });
    const cli = (args: string[], cwd = repo.root): CliResult => runCouncil(args, { cwd, env });
    const outputs: CliResult[] = [];

    // Agents of every hook-enforced preset, headless, to the end (the preflight runs each one's lock hook).
    for (const agent of ['claude', 'codex', 'gemini']) {
      const run = cli(['run', '--agent', agent, '--task', `work as ${agent}`, '--count', '2', '--wait']);
      expect(run.code, run.stderr).toBe(0);
      outputs.push(run);
    }
    // One that fails, with its last words on stderr (they end up in the run's reason).
    await useFakeAgents(c, { claude: [{ stderr: 'fatal: the model is unavailable\n' }, { exit: 1 }] });
    const failed = cli(['run', '--agent', 'claude', '--task', 'fail', '--wait']);
    expect(failed.code).not.toBe(0);
    outputs.push(failed);

    // The hooks, as the agent CLIs run them, with the keys in their environment: a denial (recorded
    // in the context), an allowed edit, the status hooks.
    const [holder, writer] = c.listSessions() as [Session, Session];
    outputs.push(cli(['lock', 'acquire', 'src/held.ts', '--session', holder.id]));
    const hook = (kind: string, input: string): CliResult => {
      const result = spawnSyncCouncil(['hook', kind, '--agent', 'claude'], { cwd: writer.worktreePath, env: { ...env, COUNCIL_SESSION_ID: writer.id }, input });
      outputs.push(result);
      return result;
    };
    hook('prompt', JSON.stringify({ cwd: writer.worktreePath, hook_event_name: 'UserPromptSubmit', prompt: 'go on' }));
    expect(hook('pre-tool', claudeWrite(writer.worktreePath, 'src/held.ts')).code).toBe(2);
    expect(hook('pre-tool', claudeWrite(writer.worktreePath, 'src/free.ts')).code).toBe(0);
    hook('post-tool', JSON.stringify({ cwd: writer.worktreePath, hook_event_name: 'PostToolUse', tool_name: 'Write', tool_input: { file_path: path.join(writer.worktreePath, 'src/free.ts') } }));
    hook('stop', JSON.stringify({ cwd: writer.worktreePath, hook_event_name: 'Stop', last_assistant_message: 'Done.' }));
    expect(c.context.get(writer.id)).toMatchObject({ status: 'done' });

    // What a user looks at.
    for (const args of [['session', 'list'], ['status'], ['lock', 'list'], ['context', 'show'], ['session', 'logs', writer.id], ['--json', 'session', 'logs', holder.id], ['--json', 'status']]) {
      const shown = cli(args);
      expect(shown.code, `${args.join(' ')}: ${shown.stderr}`).toBe(0);
      outputs.push(shown);
    }

    // The runs are all there (so there was something to scan): 7 sessions, each with its records
    // (the failing one retried).
    expect(c.listSessions()).toHaveLength(7);
    expect(readdirSync(c.ws.paths.runs).filter((name) => name.endsWith('.log')).length).toBeGreaterThanOrEqual(7);
    const stateRoots = [path.join(repo.root, '.git', 'council'), path.join(home, '.council')];
    for (const [name, value] of Object.entries(KEYS)) {
      expect(containing(stateRoots, value), name).toEqual([]);
      for (const output of outputs) expect(`${output.stdout}\n${output.stderr}`, name).not.toContain(value);
    }
  });

  it("an agent that prints its own key has it in that run's transcript, and nowhere else", async () => {
    const repo = makeRepo();
    const { home, env } = user();
    const c = Council.open(repo.root);
    // On stderr: a headless run's transcript is its rendered events and its stderr.
    await useFakeAgents(c, { claude: [{ claude: 'init' }, { run: ['sh', '-c', 'echo "ANTHROPIC_API_KEY=$ANTHROPIC_API_KEY" >&2'] }, { claude: 'result', text: 'done' }] });
    const run = runCouncil(['--json', 'run', '--agent', 'claude', '--task', 'print your key', '--wait'], { cwd: repo.root, env });
    expect(run.code, run.stderr).toBe(0);
    const [session] = c.listSessions() as [Session];
    const records = readdirSync(c.ws.paths.runs).filter((name) => /^[0-9a-f]+\.[0-9a-f]+\.json$/.test(name));
    expect(records).toHaveLength(1);
    const record = JSON.parse(readFileSync(path.join(c.ws.paths.runs, records[0] ?? ''), 'utf8')) as AgentRun;
    expect(record).toMatchObject({ sessionId: session.id, state: 'done' });
    const base = path.join(c.ws.paths.runs, `${record.sessionId}.${record.id}`);

    const found = containing([path.join(repo.root, '.git', 'council'), path.join(home, '.council')], KEYS.ANTHROPIC_API_KEY);
    expect(found).toContain(`${base}.log`);
    expect(found.filter((file) => file !== `${base}.log` && file !== `${base}.events.jsonl`)).toEqual([]);
    expect(`${run.stdout}${run.stderr}`).not.toContain(KEYS.ANTHROPIC_API_KEY);
    // Shown as it is where the transcript is shown.
    expect(runCouncil(['session', 'logs', session.id], { cwd: repo.root, env }).stdout).toContain(`ANTHROPIC_API_KEY=${KEYS.ANTHROPIC_API_KEY}`);
    // The other keys it was given, and did not print, are nowhere.
    for (const value of [KEYS.OPENAI_API_KEY, KEYS.GEMINI_API_KEY]) expect(containing([path.join(repo.root, '.git', 'council'), path.join(home, '.council')], value)).toEqual([]);
  });
});

describe('council serve', () => {
  it('prints its URL (token included) once on the terminal and writes the token nowhere; its agents get their keys but not the token', async () => {
    await ensureRendererBuild();
    const repo: TestRepo = makeRepo();
    const { home, env } = user();
    const c = Council.open(repo.root);
    // The agent dumps its whole environment: a transcript with every key in it (and, were it
    // passed on, the token).
    await useFakeAgents(c, { claude: [{ claude: 'init' }, { run: ['sh', '-c', 'env >&2'] }, { claude: 'result', text: 'done' }] });

    const child = spawn(process.execPath, [COUNCIL_BIN, 'serve', '--port', '0', '--no-open'], { cwd: tempDir('council-serve-cwd-'), env });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<URL>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const found = /serving on (\S+)\n/.exec(stdout)?.[1];
        if (found) resolve(new URL(found));
      });
      void exited.then((code) => reject(new Error(`council serve exited (${code}):\n${stderr}`)));
    });
    const token = url.searchParams.get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    try {
      const call = async (command: string, input: unknown, bearer = token): Promise<{ ok: boolean; value?: unknown }> => {
        const response = await fetch(new URL('/api/invoke', url), { method: 'POST', headers: { Authorization: `Bearer ${bearer}` }, body: JSON.stringify({ command, input }) });
        return response.status === 200 ? ((await response.json()) as { ok: boolean; value?: unknown }) : { ok: false };
      };
      expect(await call('repo.open', { path: repo.root })).toMatchObject({ ok: true });
      const created = (await call('sessions.create', { repo: repo.root, task: 'dump your environment', agent: 'claude', mode: 'headless' })) as { ok: boolean; value: Session[] };
      expect(created.ok).toBe(true);
      const [session] = created.value;
      // Refusals and a socket, for the log to have something to say.
      expect(await call('app.info', {}, 'not-the-token')).toEqual({ ok: false });
      expect((await fetch(new URL(`/api/events?token=${token}x`, url))).status).toBe(401);
      let ended: AgentRun | undefined;
      for (let waited = 0; waited < 30_000 && ended === undefined; waited += 100) {
        const runs = (await call('agent.runs', { repo: repo.root, id: session?.id })) as { value?: AgentRun[] };
        ended = runs.value?.find((run) => run.state === 'done' || run.state === 'failed');
        if (ended === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(ended).toMatchObject({ state: 'done' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    // The terminal: the URL once, for the user; nothing of the token or the keys anywhere else.
    expect(stdout).toBe(`CLI Council is serving on ${url.href}\n`);
    expect(stdout.split(token)).toHaveLength(2);
    expect(stderr).not.toContain(token);
    for (const value of Object.values(KEYS)) expect(`${stdout}${stderr}`).not.toContain(value);
    // The files: no token anywhere (HOME holds ~/.council and the worktrees); the keys only in the
    // transcript of the agent that printed them.
    const roots = [home, path.join(repo.root, '.git', 'council')];
    expect(containing(roots, token)).toEqual([]);
    const transcript = containing(roots, KEYS.OPENAI_API_KEY);
    expect(transcript).toHaveLength(1);
    expect(transcript[0]).toMatch(/\/\.git\/council\/runs\/[0-9a-f]+\.[0-9a-f]+\.log$/);
    expect(readFileSync(transcript[0] ?? '', 'utf8')).toContain(`ANTHROPIC_API_KEY=${KEYS.ANTHROPIC_API_KEY}`);
    for (const value of Object.values(KEYS)) expect(containing(roots, value)).toEqual(transcript);
  }, 120_000);
});

/** `council …` with `input` on stdin (the hooks read their payload there). */
function spawnSyncCouncil(args: string[], options: { cwd: string; env: Record<string, string>; input: string }): CliResult {
  const result = spawnSync(process.execPath, [COUNCIL_BIN, ...args], { cwd: options.cwd, env: options.env, input: options.input, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
