import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { parseHot } from '../../electron/cli/hot';
import { councilCommand } from '../../electron/core/agents/council-command';
import { hookCommandLine } from '../../electron/core/agents/hooks/command';
import type { CouncilCommand } from '../../electron/core/agents/types';
import { COUNCIL_BIN, councilJson, REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo';

/**
 * Issue 13, item 4: `council hook pre-tool` and `council lock …` run before every agent edit, so
 * bin/council.cjs hands them to a lean bundle (out/cli/hot.cjs, electron/cli/hot.ts) that holds
 * the lock domain alone. These tests keep it lean (nothing heavy bundled, nothing heavy loaded at
 * run time) and keep it honest (every spelling answers exactly as the full CLI does).
 */

const OUT = path.join(REPO_ROOT, 'out', 'cli');
const FULL_BUNDLE = path.join(OUT, 'council.cjs');

/** What must never be in the hot bundle: each pattern with why. */
const HEAVY: [RegExp, string][] = [
  [/node_modules\/commander\//, 'commander (the full command tree)'],
  [/node_modules\/simple-git\//, 'simple-git'],
  [/node_modules\/(ws|chokidar|node-pty|ignore)\//, 'the host, watchers, terminals'],
  [/node_modules\/graceful-fs\//, 'graceful-fs (plain node:fs in this bundle, scripts/build-cli.mjs)'],
  [/^shared\/contract\.ts$/, 'the whole contract'],
  [/^shared\/(settings|merge)\.ts$/, 'the settings and merge models (~250 zod schemas built at start-up)'],
  [/^electron\/core\/(workspace\.ts|settings\/)/, 'the workspace and its settings (the lock domain opens a RepoState)'],
  [/^shared\/commands\/(?!locks\.ts$|lock-checks\.ts$|fields\.ts$)/, "another domain's commands"],
  [/^electron\/core\/council\.ts$/, 'Council (sessions, git)'],
  [/^electron\/core\/git\/(?!repo\.ts$)/, 'git (only repo.ts, which reads .git without starting git)'],
  [/^electron\/core\/(merge|radar|app|settings\/handlers)/, 'merge, radar, app'],
  [/^electron\/core\/sessions\/(?!registry\.ts$)/, 'session create/remove/reconcile'],
  [/^electron\/core\/agents\/(manager|executor|launch-sessions|compare|presets\/|parsers\/|runner\/(?!process-tree\.ts$))/, 'the agent manager and runners'],
  [/^electron\/cli\/(main|commands|agents|merge|serve|settings|conflicts|hook)\.ts$/, 'the full CLI'],
];

describe('the hot bundle holds the lock domain alone', () => {
  it('bundles none of the heavy modules (esbuild metafile of out/cli/hot.cjs)', () => {
    const meta = JSON.parse(readFileSync(path.join(OUT, 'hot.meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs).map((file) => file.replace(/^(\.\.\/)+main\//, ''));
    expect(inputs).toContain('electron/cli/hot.ts');
    expect(inputs).toContain('electron/core/locks/file-locks.ts');
    const heavy = inputs.flatMap((file) => HEAVY.filter(([pattern]) => pattern.test(file)).map(([, why]) => `${file}: ${why}`));
    expect(heavy).toEqual([]);
  });

  it('builds no zod schema for the hook or a lock verb: zod is reached only through import(), to word a refusal', () => {
    // Building zod's schemas was ~8 ms of every hook and lock verb run. The hook reads its records
    // with shared/record-checks.ts, the verbs check their input with shared/commands/lock-checks.ts
    // and load the contract's zod schemas (import(), which esbuild bundles as a module evaluated
    // when first required) only when those checks refuse something.
    const meta = JSON.parse(readFileSync(path.join(OUT, 'hot.meta.json'), 'utf8')) as { inputs: Record<string, { imports: { path: string; kind: string }[] }> };
    const name = (file: string) => file.replace(/^(\.\.\/)+main\//, '');
    const inputs = new Map(Object.entries(meta.inputs).map(([file, input]) => [name(file), input.imports.map((i) => ({ path: name(i.path), kind: i.kind }))]));
    /** Every module evaluated with `from`: what it imports statically, and so on. */
    const evaluatedWith = (from: string): Set<string> => {
      const seen = new Set([from]);
      for (const file of seen) for (const i of inputs.get(file) ?? []) if (i.kind !== 'dynamic-import' && inputs.has(i.path)) seen.add(i.path);
      return seen;
    };
    const zod = (files: Set<string>) => [...files].filter((file) => file.startsWith('node_modules/zod/'));
    expect(zod(new Set(inputs.keys())).length).toBeGreaterThan(0); // the contract's schemas are in the bundle…
    for (const entry of ['electron/cli/hot.ts', 'electron/cli/hook-pre-tool.ts', 'electron/cli/locks.ts', 'electron/cli/output.ts']) {
      expect(zod(evaluatedWith(entry)), entry).toEqual([]); // …but evaluated with none of these
    }
    expect(evaluatedWith('electron/cli/hook-pre-tool.ts')).toContain('electron/core/locks/file-locks.ts');
    expect(evaluatedWith('electron/cli/locks.ts')).toContain('shared/commands/lock-checks.ts');
  });
});

describe('the hot path at run time', () => {
  let repo: TestRepo;
  let a: Session;
  let b: Session;
  let probe: string;

  beforeAll(() => {
    repo = makeRepo();
    const created = councilJson<Session[]>(['session', 'create', '--task', 'hot path', '--count', '2'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    [a, b] = created.result.value as [Session, Session];
    // Preloaded into the CLI process: at exit, which files it required and which of Node's own
    // modules it loaded.
    probe = path.join(tempDir(), 'probe.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify({ files: Object.keys(require.cache), builtins: process.moduleLoadList })));\n`,
    );
  });

  const loaded = (args: string[], options: { cwd: string; input?: string; env?: Record<string, string> }) => {
    const out = path.join(tempDir(), 'loaded.json');
    const env: Record<string, string | undefined> = { ...process.env, ...options.env, PROBE_OUT: out };
    if (!options.env?.COUNCIL_SESSION_ID) delete env.COUNCIL_SESSION_ID;
    const run = spawnSync(process.execPath, ['--require', probe, COUNCIL_BIN, ...args], { cwd: options.cwd, env, input: options.input ?? '', encoding: 'utf8' });
    const seen = JSON.parse(readFileSync(out, 'utf8')) as { files: string[]; builtins: string[] };
    return { code: run.status, stdout: run.stdout, stderr: run.stderr, ...seen };
  };
  const edit = (worktree: string, file: string) =>
    JSON.stringify({ cwd: worktree, hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: path.join(worktree, file), old_string: 'a', new_string: 'b' }, tool_use_id: 'toolu_1' });

  it('runs the hook and the lock verbs without loading the full CLI, node:crypto, or net', () => {
    // Each of Node's own modules below costs milliseconds of start-up: node:crypto ~5, net and its
    // streams ~3 (the hook reads its payload from fd 0 made non-blocking, not through process.stdin: cli/hook-stdin.ts).
    for (const [args, options, heavy] of [
      [['hook', 'pre-tool', '--agent', 'claude'], { cwd: a.worktreePath, input: edit(a.worktreePath, 'src/a.ts'), env: { COUNCIL_SESSION_ID: a.id } }, /^NativeModule (crypto|child_process|http|net)$/],
      [['lock', 'acquire', 'README.md', '--session', a.id], { cwd: repo.root }, /^NativeModule (crypto|child_process|http|net)$/],
      [['lock', 'who', 'src/a.ts'], { cwd: repo.root }, /^NativeModule (crypto|child_process|http|net)$/],
      [['--json', 'lock', 'release', 'README.md', '-s', a.id], { cwd: repo.root }, /^NativeModule (crypto|child_process|http|net)$/],
    ] as const) {
      const run = loaded([...args], options);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect(run.files, args.join(' ')).toContain(path.join(OUT, 'hot.cjs'));
      expect(run.files, args.join(' ')).not.toContain(FULL_BUNDLE);
      expect(run.builtins.filter((m) => heavy.test(m)), args.join(' ')).toEqual([]);
    }
  });

  it('the hook command an agent is given (out/cli/launch.cjs, a copy of bin/council.cjs) takes the same lean path', () => {
    // Before, agents ran out/cli/council.cjs itself: the whole CLI before every edit, not the path
    // bench/ measured.
    const before = process.env.COUNCIL_CLI;
    process.env.COUNCIL_CLI = FULL_BUNDLE;
    let command: CouncilCommand;
    try {
      command = councilCommand();
    } finally {
      if (before === undefined) delete process.env.COUNCIL_CLI;
      else process.env.COUNCIL_CLI = before;
    }
    expect(command.argv).toEqual([process.execPath, path.join(OUT, 'launch.cjs')]);
    const out = path.join(tempDir(), 'loaded.json');
    const env: Record<string, string | undefined> = { ...process.env, COUNCIL_SESSION_ID: a.id, PROBE_OUT: out, NODE_OPTIONS: `--require ${probe}` };
    const run = spawnSync('sh', ['-c', hookCommandLine(command, 'pre-tool', 'claude')], { cwd: a.worktreePath, env, input: edit(a.worktreePath, 'launch-probe.txt'), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(readFileSync(out, 'utf8')) as { files: string[] };
    expect(seen.files).toContain(path.join(OUT, 'hot.cjs'));
    expect(seen.files).not.toContain(FULL_BUNDLE);
  });

  it('hands every other spelling to the full CLI', () => {
    const run = loaded(['lock', 'who', 'src/a.ts', '--bogus'], { cwd: repo.root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--bogus'");
    expect(run.files).toContain(FULL_BUNDLE);
  });

  /** The same argv through the hot entry (bin/council.cjs) and through the full CLI alone. */
  const both = (args: string[], options: { cwd: string; env?: Record<string, string> } = { cwd: repo.root }) => {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    if (!options.env?.COUNCIL_SESSION_ID) delete env.COUNCIL_SESSION_ID;
    // `lock list` says how long ago each lock was taken: one run may fall a second after the other.
    const run = (entry: string) => {
      const r = spawnSync(process.execPath, [entry, ...args], { cwd: options.cwd, env, encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout.replace(/\b\d+s ago\b/g, 'Ns ago'), stderr: r.stderr };
    };
    return { hot: run(COUNCIL_BIN), full: run(FULL_BUNDLE) };
  };

  it('answers exactly as the full CLI: output, errors and exit codes', () => {
    // Read-only and refused calls first, then the ones that change state, in pairs that undo each other.
    const cases: [string[], { cwd: string; env?: Record<string, string> }?][] = [
      [['lock', 'list']],
      [['--json', 'lock', 'list']],
      [['lock', 'who', 'README.md']],
      [['lock', 'who', '--json', 'src/../README.md']],
      [['lock', 'who', 'README.md', '--repo', repo.root], { cwd: tempDir() }],
      [['--repo=', 'lock', 'who', 'README.md'], { cwd: tempDir() }],
      [['lock', 'who', 'README.md'], { cwd: tempDir() }],
      [['lock', 'acquire', 'README.md']],
      [['lock', 'acquire', 'README.md', '--session', 'zz']],
      [['--json', 'lock', 'acquire', 'README.md', '--session', 'ffffff']],
      [['lock', 'acquire', '../outside.txt', '--session', a.id]],
      [['lock', 'acquire', 'README.md', '--session', a.id, '--timeout', 'soon']],
      [['lock', 'acquire', 'README.md', '--session', a.id, '--timeout=1e3']],
      [['lock', 'release', 'README.md', '--session', a.id]],
      [['lock', 'release-all'], { cwd: repo.root, env: { COUNCIL_SESSION_ID: b.id } }],
      [['lock', 'acquire', '.git/config', '-s', a.id]],
      [['lock', 'acquire', 'src/a.ts', '--session', 'ffffffffffffff']],
      [['--json', 'lock', 'who', 'a'.repeat(5000)]],
    ];
    for (const [args, options] of cases) {
      const { hot, full } = both(args, options);
      expect(hot, args.join(' ')).toEqual(full);
    }
    // Held by a, asked by b: refused the same way (exit 3), and in JSON.
    expect(both(['lock', 'acquire', 'src/a.ts', '--session', a.id]).hot).toMatchObject({ code: 0, stdout: `locked src/a.ts for session ${a.id}\n` });
    const refused = both(['lock', 'acquire', path.join(b.worktreePath, 'src', 'a.ts'), '--session', b.id], { cwd: b.worktreePath });
    expect(refused.hot).toEqual(refused.full);
    expect(refused.hot.code).toBe(3);
    const json = both(['--json', 'lock', 'acquire', 'src/a.ts', '-s', b.id]);
    expect(json.hot).toEqual(json.full);
    const who = both(['lock', 'who', 'src/a.ts']);
    expect(who.hot).toEqual(who.full);
    expect(who.hot.stdout).toContain(`src/a.ts is locked by session ${a.id}`);
    // Releasing through one and then the other: the second finds nothing to release.
    const first = spawnSync(process.execPath, [COUNCIL_BIN, 'lock', 'release', 'src/a.ts', '-s', a.id], { cwd: repo.root, encoding: 'utf8' });
    expect(first).toMatchObject({ status: 0, stdout: 'released src/a.ts\n' });
    const again = both(['lock', 'release', 'src/a.ts', '-s', a.id]);
    expect(again.hot).toEqual(again.full);
    expect(again.hot.stdout).toBe('src/a.ts was not locked\n');
    // The same locks taken and all released through each entry: the same answers.
    const takeAndReleaseAll = (entry: string) =>
      [['lock', 'acquire', 'src/b.ts', '-s', b.id], ['lock', 'acquire', 'README.md', '-s', b.id], ['lock', 'release-all', '-s', b.id.slice(0, 4)]].map((args) => {
        const r = spawnSync(process.execPath, [entry, ...args], { cwd: repo.root, encoding: 'utf8' });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      });
    const viaHot = takeAndReleaseAll(COUNCIL_BIN);
    expect(viaHot[2]).toEqual({ code: 0, stdout: 'released README.md, src/b.ts\n', stderr: '' });
    expect(takeAndReleaseAll(FULL_BUNDLE)).toEqual(viaHot);
  });
});

describe('parseHot: the spellings the hot entry takes, and the ones it leaves to commander', () => {
  it('reads the plain spellings as commander would', () => {
    const env = process.env.COUNCIL_SESSION_ID;
    delete process.env.COUNCIL_SESSION_ID;
    try {
      expect(parseHot(['lock', 'acquire', 'a.ts', '--session', 'abc', '--timeout', '2'])).toEqual({ kind: 'lock', verb: 'acquire', json: false, repo: undefined, args: { path: 'a.ts', session: 'abc', timeout: '2' } });
      expect(parseHot(['--json', '--repo', '/r', 'lock', 'who', 'a.ts'])).toEqual({ kind: 'lock', verb: 'who', json: true, repo: '/r', args: { path: 'a.ts', session: undefined, timeout: undefined } });
      expect(parseHot(['lock', '-s', 'abc', 'release', 'a.ts'])).toBeNull(); // an option before the verb: commander's to judge
      expect(parseHot(['lock', 'release', '-s', 'abc', 'a.ts', '--repo=/r'])).toMatchObject({ verb: 'release', repo: '/r', args: { path: 'a.ts', session: 'abc' } });
      expect(parseHot(['hook', 'pre-tool', '--agent', 'codex'])).toEqual({ kind: 'pre-tool', agent: 'codex' });
      expect(parseHot(['hook', 'pre-tool', '-a', 'gemini', '--repo', '/r'])).toEqual({ kind: 'pre-tool', agent: 'gemini' });
      expect(parseHot(['hook', 'pre-tool'])).toEqual({ kind: 'pre-tool', agent: undefined });
    } finally {
      if (env !== undefined) process.env.COUNCIL_SESSION_ID = env;
    }
  });

  it.each([
    ['help', ['lock', 'acquire', '--help']],
    ['an unknown option', ['lock', 'who', 'a', '--bogus']],
    ["another verb's option", ['lock', 'who', 'a', '--timeout', '1']],
    ['an option given twice', ['lock', 'acquire', 'a', '-s', 'x', '--session', 'y']],
    ['an option without its value', ['lock', 'acquire', 'a', '--session']],
    ['a value that looks like an option', ['lock', 'acquire', 'a', '--session', '-x']],
    ['a glued short option', ['lock', 'acquire', 'a', '-sabc']],
    ['a missing path', ['lock', 'acquire', '--session', 'x']],
    ['an extra argument', ['lock', 'who', 'a', 'b']],
    ['the end of options', ['lock', 'who', '--', 'a']],
    ['a group without its verb', ['lock']],
    ['another hook', ['hook', 'post-tool', '--agent', 'claude']],
    ['another group', ['session', 'list']],
    ['nothing', []],
    ['the version', ['-V']],
  ])('%s → the full CLI', (_what, argv) => {
    expect(parseHot(argv)).toBeNull();
  });
});
