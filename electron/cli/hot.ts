import type { LockArgs, LockVerb } from './locks';

/**
 * The lean entry of `council` (bundled alone into out/cli/hot.cjs, see scripts/build-cli.mjs):
 * `council hook pre-tool` and the lock verbs, which agents' hooks run before every edit, and
 * `council hook digest`, run before every prompt, without
 * commander, the whole contract, git, or the agent, merge and radar code. bin/council.cjs hands it
 * every argv that starts with `lock` or `hook` (after global options); it runs the plain spellings
 * below and answers null for anything else (help, an unknown or repeated option, `--`, a missing
 * or extra argument, an option value that looks like an option…), which the full CLI then runs,
 * so every usage error and edge case is answered by commander exactly as before.
 * tests/cli/hot-entry.test.ts holds both to the same answers, and the bundle to its few modules.
 *
 * The hooks and the lock verbs are loaded only once argv has chosen one of them (import() here is a
 * lazy require in the bundle): the verbs validate their input with the contract's zod schemas,
 * and building those is a cost the hook, which checks its records without zod
 * (shared/record-checks.ts), must not pay before every agent edit.
 */

type Hot = { kind: 'lock'; verb: LockVerb; args: LockArgs; json: boolean; repo: string | undefined } | { kind: 'pre-tool'; agent: string | undefined } | { kind: 'digest'; agent: string | undefined } | { kind: 'notice'; agent: string | undefined };

/** The hooks run on the lean entry: the lock hook (before every edit), the digest (before every prompt), the conflict notice (after every tool call). */
const HOT_HOOKS = new Set(['pre-tool', 'digest', 'notice']);

/** The options each hot verb takes (long name → short name or null), and whether it takes a path. */
const LOCK_OPTIONS: Record<LockVerb, { path: boolean; options: Record<string, string | null> }> = {
  acquire: { path: true, options: { session: '-s', timeout: null } },
  release: { path: true, options: { session: '-s' } },
  'release-all': { path: false, options: { session: '-s' } },
  who: { path: true, options: {} },
  list: { path: false, options: {} },
};
const HOOK_OPTIONS: Record<string, string | null> = { agent: '-a' };
const GLOBAL_OPTIONS: Record<string, string | null> = { repo: null };

const isLockVerb = (word: string | undefined): word is LockVerb => word !== undefined && Object.hasOwn(LOCK_OPTIONS, word);

/** Reads argv the way commander would for the spellings it handles; null for anything else. */
export function parseHot(argv: readonly string[]): Hot | null {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  let json = false;
  const known = (): Record<string, string | null> => {
    const [group, verb] = positionals;
    if (group === 'lock' && isLockVerb(verb)) return { ...GLOBAL_OPTIONS, ...LOCK_OPTIONS[verb].options };
    if (group === 'hook' && verb !== undefined && HOT_HOOKS.has(verb)) return { ...GLOBAL_OPTIONS, ...HOOK_OPTIONS };
    return GLOBAL_OPTIONS;
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--json') {
      if (json) return null;
      json = true;
      continue;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const options = known();
    const eq = token.indexOf('=');
    const long = token.startsWith('--') ? (eq === -1 ? token.slice(2) : token.slice(2, eq)) : Object.keys(options).find((name) => options[name] === token);
    if (long === undefined || !Object.hasOwn(options, long) || values.has(long)) return null;
    let value: string | undefined;
    if (token.startsWith('--') && eq !== -1) value = token.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value.startsWith('-')) return null;
    values.set(long, value);
  }
  const [group, verb, ...rest] = positionals;
  const repo = values.get('repo');
  // The hook finds its repository from the payload's cwd: --repo means nothing to it, as in the full CLI.
  if (group === 'hook' && verb === 'pre-tool' && rest.length === 0) return { kind: 'pre-tool', agent: values.get('agent') };
  if (group === 'hook' && verb === 'digest' && rest.length === 0) return { kind: 'digest', agent: values.get('agent') };
  if (group === 'hook' && verb === 'notice' && rest.length === 0) return { kind: 'notice', agent: values.get('agent') };
  if (group !== 'lock' || !isLockVerb(verb) || rest.length !== (LOCK_OPTIONS[verb].path ? 1 : 0)) return null;
  return {
    kind: 'lock',
    verb,
    json,
    repo,
    args: { path: rest[0], session: values.get('session') ?? process.env.COUNCIL_SESSION_ID, timeout: values.get('timeout') },
  };
}

/** Runs a hot spelling and answers its exit status; null: not one of them (run the full CLI). */
export async function runHot(argv: readonly string[]): Promise<number | null> {
  const hot = parseHot(argv);
  if (hot === null) return null;
  if (hot.kind === 'pre-tool') {
    const { preToolHook } = await import('./hook-pre-tool');
    await preToolHook(hot.agent);
    return 0; // not reached: the hook ends the process with its decision
  }
  if ((hot.kind === 'digest' || hot.kind === 'notice') && process.env.COUNCIL_AUTHORITY?.trim()) {
    // A remote session's hook on its host: answered by home (issue 17, ./hook-remote.ts).
    const { remoteHook } = await import('./hook-remote');
    await remoteHook(hot.kind, hot.agent, process.env.COUNCIL_AUTHORITY.trim());
    return 0; // not reached: the hook ends the process
  }
  if (hot.kind === 'digest') {
    // Answered here in both cases: nothing changed (file versions alone), or the digest rendered
    // from the records read without zod (core/coordination/digest-input.ts).
    const { digestHook } = await import('./hook-digest');
    await digestHook(hot.agent);
    return 0; // not reached: the hook ends the process
  }
  if (hot.kind === 'notice') {
    const { noticeHook } = await import('./hook-notice');
    await noticeHook(hot.agent);
    return 0; // not reached: the hook ends the process
  }
  const [{ leanLockCaller, LOCK_VERBS, lockRepo }, { createOutput, reportFailure, writeAll }] = await Promise.all([import('./locks'), import('./output')]);
  try {
    await LOCK_VERBS[hot.verb]({ out: createOutput(hot.json, writeAll), repo: lockRepo(hot.repo), call: leanLockCaller }, hot.args);
    return 0;
  } catch (err) {
    return reportFailure(err, hot.json, writeAll);
  }
}
