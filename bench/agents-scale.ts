import { execFileSync } from 'node:child_process';
import { closeSync, constants as fsConstants, openSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AgentRun } from '../shared/agents';
import type { Session } from '../shared/models';
import { AgentManager } from '../electron/core/agents/manager';
import { inotifyWatchCount, inotifyWatchLimit } from '../electron/core/agents/worktree-activity';
import { UNWATCHED_DIRS } from '../electron/core/app/worktree-watch';
import { Council } from '../electron/core/council';
import { REPO_ROOT } from '../tests/helpers/cli';
import { generateRepo, type GeneratedRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { summarize } from './stats';
import { formatMs, renderTable } from './table';

/**
 * Measurement 9 (issue 4): many fake agents editing a big repository under one AgentManager in
 * this process — the main-process stand-in (the app's AppCore hosts AgentManagers exactly like
 * this: one per repository, a worktree watcher per live run). Each agent is the fake agent
 * (tests/support/fake-agent.mjs) as the Claude preset's program, headless, with the script
 *
 *   claude init → claude write bench-agent/first-edit.ts (seen through the stream-json parser)
 *   → wait at a gate → write over 5 existing files spread over the tree (seen only by the watcher)
 *   → sleep an hour (alive and quiet until stopAll).
 *
 * The gate is a FIFO the bench holds open for writing: each agent `cat`s it, and the bench closes
 * it once every run's watcher is in place, so the watcher's edit latency is not confused with its
 * start-up scan. Figures, each beside a baseline from the same run:
 *   - main-process RSS before the agents, with them running, and the peak (sampled every 100 ms)
 *   - this process's CPU while every agent sleeps, against the same process idle with no agents
 *   - the OS watches this process holds (inotify) with every run live, against the per-user limit
 *   - how long until every agent's watcher-only edits showed on its run (and how many never did),
 *     against one agent alone
 *
 * Run on its own: `npx tsx bench/agents-scale.ts [--quick]` (full: 50 agents on 10,000 files;
 * --quick: 10 agents on 2,000 files).
 *
 * While the watcher takes a watch per file, the full run holds every inotify watch of the user it
 * runs as for a minute or two (the limit is per user): other programs of that user that watch files
 * fail meanwhile. On a shared machine, run it as a spare uid, e.g.
 * `setpriv --reuid=4242 --regid=4242 --clear-groups env HOME=/tmp/h node_modules/.bin/tsx bench/agents-scale.ts`.
 */

export const AGENTS_RSS_TARGET_MB = 400;
export const AGENTS_IDLE_CPU_TARGET_PERCENT = 5;
/** The watches we may hold, as a share of the per-user limit every program of the user shares. */
export const AGENTS_WATCH_SHARE_TARGET = 0.25;

export interface AgentsScaleOptions {
  agents: number;
  files: number;
  /** How long the quiet window (CPU with every agent asleep) lasts. */
  quietMs: number;
}

export const AGENTS_SCALE_FULL: AgentsScaleOptions = { agents: 50, files: 10_000, quietMs: 10_000 };
export const AGENTS_SCALE_QUICK: AgentsScaleOptions = { agents: 10, files: 2_000, quietMs: 5_000 };

const FAKE_AGENT = path.join(REPO_ROOT, 'tests', 'support', 'fake-agent.mjs');
const FIRST_EDIT = 'bench-agent/first-edit.ts';
/** Existing files each agent overwrites after the gate, spread over the tree (first to last sample). */
const SPREAD_EDITS = 5;
/** Until every watcher is in place (the folder scan of every worktree). */
const READY_TIMEOUT_MS = 600_000;
/** After the gate opens: an edit not on its run by then counts as missed. */
const SEEN_TIMEOUT_MS = 20_000;
const MB = 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;
const pct = (x: number): string => `${x.toFixed(1)} %`;
const count = (n: number | null): string => (n === null ? 'n/a' : n.toLocaleString('en-US'));

/** process.memoryUsage.rss() every 100 ms, with the time of each sample. */
function rssSampler(): { samples: { at: number; rss: number }[]; stop: () => void } {
  const samples: { at: number; rss: number }[] = [];
  const take = (): void => {
    samples.push({ at: performance.now(), rss: process.memoryUsage.rss() });
  };
  take();
  const timer = setInterval(take, 100);
  return { samples, stop: () => clearInterval(timer) };
}

const rssBetween = (samples: readonly { at: number; rss: number }[], from: number, to: number): number[] =>
  samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.rss);

/** This process's CPU time over a window, as % of one core (user + system). */
async function cpuOver(ms: number): Promise<number> {
  const wallStart = performance.now();
  const start = process.cpuUsage();
  await sleep(ms);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / 1000 / (performance.now() - wallStart)) * 100;
}

/** inotify watches held by this user's other processes (they share the per-user limit with us). */
function othersWatches(): number | null {
  if (process.platform !== 'linux') return null;
  const uid = process.getuid?.();
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (uid !== undefined && statSync(`/proc/${entry}`).uid !== uid) continue;
    } catch {
      continue;
    }
    total += inotifyWatchCount(Number(entry)) ?? 0;
  }
  return total;
}

/** Folders and files a watcher of `root` visits (the UNWATCHED_DIRS left out, like the app). */
function treeSize(root: string): { dirs: number; files: number } {
  let dirs = 1;
  let files = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (UNWATCHED_DIRS.has(entry.name)) continue;
        dirs++;
        walk(path.join(dir, entry.name));
      } else files++;
    }
  };
  walk(root);
  return { dirs, files };
}

/**
 * How many of these sessions' runs have their worktree watcher in place. The manager keeps that
 * private (LiveRun.stopWatch is set once the watcher is ready); a bench may look. null when the
 * internals changed shape: the caller then waits for the watch count to stop growing.
 */
function watchersReady(manager: AgentManager, ids: readonly string[]): number | null {
  const live = (manager as unknown as { live?: unknown }).live;
  if (!(live instanceof Map)) return null;
  let ready = 0;
  for (const id of ids) {
    const run = live.get(id) as { stopWatch?: unknown } | undefined;
    if (run && typeof run.stopWatch === 'function') ready++;
  }
  return ready;
}

async function waitForWatchers(manager: AgentManager, ids: readonly string[], timeoutMs: number): Promise<{ ready: number; ms: number; how: string }> {
  const started = performance.now();
  let lastCount = -1;
  let stable = 0;
  while (performance.now() - started < timeoutMs) {
    const ready = watchersReady(manager, ids);
    if (ready !== null) {
      if (ready === ids.length) return { ready, ms: performance.now() - started, how: 'every run reported its watcher ready' };
    } else {
      const now = inotifyWatchCount() ?? 0;
      stable = now === lastCount && now > 0 ? stable + 1 : 0;
      lastCount = now;
      if (stable >= 4) return { ready: ids.length, ms: performance.now() - started, how: 'the watch count stopped growing (2 s)' };
    }
    await sleep(ready === null ? 500 : 50);
  }
  return { ready: watchersReady(manager, ids) ?? 0, ms: performance.now() - started, how: `timed out after ${timeoutMs / 1000} s` };
}

/** Every run's filesTouched as the listener saw it: when each path first appeared, per session. */
class EditTracker {
  private readonly seen = new Map<string, Map<string, number>>();
  onRun(run: AgentRun): void {
    let paths = this.seen.get(run.sessionId);
    if (!paths) this.seen.set(run.sessionId, (paths = new Map()));
    for (const file of run.filesTouched) if (!paths.has(file)) paths.set(file, Date.now());
  }
  at(sessionId: string, file: string): number | null {
    return this.seen.get(sessionId)?.get(file) ?? null;
  }
  /** How many of `files` × `ids` are seen, waiting up to `timeoutMs` for all of them. */
  async waitAll(ids: readonly string[], files: readonly string[], timeoutMs: number): Promise<number> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const done = this.seenCount(ids, files);
      if (done === ids.length * files.length || performance.now() > end) return done;
      await sleep(20);
    }
  }
  seenCount(ids: readonly string[], files: readonly string[]): number {
    let done = 0;
    for (const id of ids) for (const file of files) if (this.at(id, file) !== null) done++;
    return done;
  }
}

/** A FIFO the agents block on (`cat`) while the bench holds it open; closing it lets them all on. */
class Gate {
  private fd: number | null = null;
  constructor(readonly file: string) {
    execFileSync('mkfifo', [file]);
  }
  /** Opening for read and write never blocks on Linux; readers then wait for data or the close. */
  hold(): void {
    this.fd ??= openSync(this.file, fsConstants.O_RDWR);
  }
  open(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

interface PhaseResult {
  agents: number;
  startMs: number;
  ready: { ready: number; ms: number; how: string };
  setupCpu: number;
  watches: number | null;
  /** RSS and V8 heap added from just before the starts to the moment every watcher was ready. */
  rssAddedAtReady: number;
  heapAtReady: number;
  firstEditSeen: number;
  firstEditMs: number[];
  gateToAllSeenMs: number;
  /** Watcher-only edits seen within SEEN_TIMEOUT_MS of the gate (of agents × SPREAD_EDITS). */
  edited: number;
  /** Agents with every one of their edits seen. */
  agentsAllSeen: number;
  editLatencyMs: number[];
  stillRunning: number;
  stopMs: number;
  watchesAfterStop: number | null;
}

export async function measureAgentsScale(cfg: BenchConfig, options: AgentsScaleOptions, given?: GeneratedRepo): Promise<SummaryRow[]> {
  const { agents, files, quietMs } = options;
  const repo = given && given.files === files ? given : generateRepo(cfg.tmp, `repo-agents-${files}`, files);
  const council = Council.open(repo.root);
  const gate = new Gate(path.join(cfg.tmp, `agents-scale-gate-${process.pid}.fifo`));
  // Existing files from the first sample to the last: their edits reach the run only through the watcher.
  const spread = Array.from({ length: SPREAD_EDITS }, (_, k) => repo.samplePaths[Math.round((k * (repo.samplePaths.length - 1)) / (SPREAD_EDITS - 1))] as string);
  const script = [
    { claude: 'init', sessionId: 'bench-agents-scale' },
    { claude: 'write', path: FIRST_EDIT, content: 'export const firstEdit = 1;\n' },
    { run: ['cat', gate.file] },
    ...spread.map((file) => ({ write: { path: file, content: '// edited by a bench agent\n' } })),
    { sleep: 3_600_000 },
  ];
  const agentSettings = { ...council.ws.settings().agents, claude: { path: FAKE_AGENT, env: { FAKE_AGENT_SCRIPT: JSON.stringify(script) } } };
  await council.ws.updateSettings({ agents: agentSettings });

  cfg.log(`9. creating ${agents} sessions at once on ${files.toLocaleString('en-US')} files, and one more for the single-agent baseline`);
  const [single] = (await council.createSessions({ task: 'bench agents scale, baseline', agent: 'claude', count: 1 })) as [Session];
  const createStart = performance.now();
  const many: Session[] = await council.createSessions({ task: 'bench agents scale', agent: 'claude', count: agents });
  const createMs = performance.now() - createStart;
  const tree = treeSize(single.worktreePath);

  const tracker = new EditTracker();
  const manager = new AgentManager(council, { listener: { run: (run) => tracker.onRun(run) }, stopGraceMs: 2000 });
  const limit = inotifyWatchLimit();
  const others = othersWatches();
  const sampler = rssSampler();

  /** Starts the agents of `group` together (as the app does), then follows them to the quiet part. */
  const phase = async (group: readonly Session[]): Promise<PhaseResult> => {
    const ids = group.map((s) => s.id);
    gate.hold();
    const startedAt = Date.now();
    const rssAtStart = process.memoryUsage.rss();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(group.map((s) => manager.start(s.id, { mode: 'headless' })));
    const startMs = performance.now() - t0;
    const ready = await waitForWatchers(manager, ids, READY_TIMEOUT_MS);
    const setupUsed = process.cpuUsage(cpu0);
    const setupCpu = ((setupUsed.user + setupUsed.system) / 1000 / (performance.now() - t0)) * 100;
    const atReady = process.memoryUsage();
    const firstEditSeen = await tracker.waitAll(ids, [FIRST_EDIT], 5_000);
    const firstEditMs = ids.map((id) => tracker.at(id, FIRST_EDIT)).filter((at): at is number => at !== null).map((at) => at - startedAt);
    const watches = inotifyWatchCount();

    cfg.log(`   ${group.length} agent(s): watchers ready in ${(ready.ms / 1000).toFixed(1)} s (${ready.how}); ${count(watches)} watches; opening the gate`);
    const gateAt = performance.now();
    gate.open();
    const edited = await tracker.waitAll(ids, spread, SEEN_TIMEOUT_MS);
    const gateToAllSeenMs = edited === ids.length * spread.length ? performance.now() - gateAt : Number.NaN;
    const editLatencyMs: number[] = [];
    for (const s of group) {
      for (const file of spread) {
        const seenAt = tracker.at(s.id, file);
        if (seenAt !== null) editLatencyMs.push(seenAt - statSync(path.join(s.worktreePath, file)).mtimeMs);
      }
    }
    const agentsAllSeen = ids.filter((id) => tracker.seenCount([id], spread) === spread.length).length;
    const stillRunning = ids.filter((id) => manager.liveRun(id)?.state === 'running').length;
    return {
      agents: group.length,
      startMs,
      ready,
      setupCpu,
      watches,
      rssAddedAtReady: atReady.rss - rssAtStart,
      heapAtReady: atReady.heapUsed,
      firstEditSeen,
      firstEditMs,
      gateToAllSeenMs,
      edited,
      agentsAllSeen,
      editLatencyMs,
      stillRunning,
      stopMs: 0,
      watchesAfterStop: null,
    };
  };
  const stopPhase = async (result: PhaseResult): Promise<void> => {
    const t = performance.now();
    await manager.stopAll();
    result.stopMs = performance.now() - t;
    await sleep(200);
    result.watchesAfterStop = inotifyWatchCount();
  };

  let one: PhaseResult;
  let all: PhaseResult;
  let rssBefore: number;
  let rssPeak: number;
  let rssRunning: number;
  let idleCpu: number;
  let quietCpu: number;
  let heapIdle: number;
  let heapRunning: number;
  let stillRunningAfterQuiet: number;
  let editedByQuietEnd: number;
  try {
    // Baseline and warm-up: one agent alone (loads the runner; one worktree's watches).
    cfg.log('9. one agent alone (baseline, warm-up)');
    one = await phase([single]);
    await stopPhase(one);

    // The process idle with no agents: the CPU and RSS the figures below are compared with.
    await sleep(1000);
    cfg.log(`9. this process idle with no agents for ${quietMs / 1000} s (baseline)`);
    const idleFrom = performance.now();
    idleCpu = await cpuOver(quietMs);
    rssBefore = summarize(rssBetween(sampler.samples, idleFrom, performance.now())).p50;
    heapIdle = process.memoryUsage().heapUsed;

    cfg.log(`9. ${agents} agents at once`);
    const manyFrom = performance.now();
    all = await phase(many);
    await sleep(1000);
    cfg.log(`9. ${agents} agents asleep: CPU over ${quietMs / 1000} s`);
    const quietFrom = performance.now();
    quietCpu = await cpuOver(quietMs);
    const quietTo = performance.now();
    rssRunning = summarize(rssBetween(sampler.samples, quietFrom, quietTo)).p50;
    rssPeak = Math.max(...rssBetween(sampler.samples, manyFrom, quietTo));
    heapRunning = process.memoryUsage().heapUsed;
    stillRunningAfterQuiet = many.filter((s) => manager.liveRun(s.id)?.state === 'running').length;
    editedByQuietEnd = tracker.seenCount(many.map((s) => s.id), spread);
    cfg.log(`9. stopping ${agents} agents`);
    await stopPhase(all);
  } finally {
    sampler.stop();
    gate.open();
    await manager.stopAll().catch(() => undefined);
  }

  const perWorktree = one.watches;
  const wanted = perWorktree === null ? null : perWorktree * agents;
  const share = all.watches !== null && limit ? all.watches / limit : Number.NaN;
  const dirOnly = tree.dirs * agents;
  const hitLimit = limit !== null && wanted !== null && wanted + (others ?? 0) > limit;
  const p = (xs: number[]): { p50: string; max: string } => {
    if (!xs.length) return { p50: '-', max: '-' };
    const s = summarize(xs);
    return { p50: formatMs(s.p50), max: formatMs(s.max) };
  };
  const oneLat = p(one.editLatencyMs);
  const allLat = p(all.editLatencyMs);

  cfg.print(
    renderTable(
      `9. ${agents} fake agents on ${files.toLocaleString('en-US')} files under one AgentManager (the main process)`,
      ['figure', `1 agent alone (baseline)`, `${agents} agents`, 'target'],
      [
        ['main-process RSS, idle with no agents (baseline)', '', mb(rssBefore), ''],
        ['main-process RSS with the agents running (p50 of the quiet window)', '', `${mb(rssRunning)} (+${mb(rssRunning - rssBefore)})`, `≤ ${AGENTS_RSS_TARGET_MB} MB`],
        ['main-process RSS peak (start, scan, edits, quiet)', '', `${mb(rssPeak)} (+${mb(rssPeak - rssBefore)})`, `≤ ${AGENTS_RSS_TARGET_MB} MB`],
        ['  … RSS added from the starts until every watcher was ready', `+${mb(one.rssAddedAtReady)}`, `+${mb(all.rssAddedAtReady)}`, ''],
        ['  … V8 heap used: idle / every watcher ready / end of the quiet window', '', `${mb(heapIdle)} / ${mb(all.heapAtReady)} / ${mb(heapRunning)}`, ''],
        [`CPU, % of one core over ${quietMs / 1000} s`, `${pct(idleCpu)} (no agents)`, `${pct(quietCpu)} (all asleep)`, `≤ ${AGENTS_IDLE_CPU_TARGET_PERCENT} %`],
        ['CPU from the first start until every watcher was ready', pct(one.setupCpu), pct(all.setupCpu), ''],
        ['manager.start of every agent (Promise.all)', formatMs(one.startMs), formatMs(all.startMs), ''],
        ['every watcher ready (folder scan) after the starts began', formatMs(one.ready.ms), `${formatMs(all.ready.ms)} (${all.ready.ready}/${all.agents} ready)`, ''],
        ['inotify watches held by this process', count(one.watches), count(all.watches), `≤ ${count(limit === null ? null : Math.floor(limit * AGENTS_WATCH_SHARE_TARGET))} (25 % of the limit)`],
        ['  … as a share of the per-user limit', limit ? pct(((one.watches ?? 0) / limit) * 100) : 'n/a', Number.isFinite(share) ? pct(share * 100) : 'n/a', '≤ 25 %'],
        ['  … what the watchers want (1-agent count × agents)', '', count(wanted), ''],
        ['  … per-user limit (max_user_watches); held by other processes of this user', '', `${count(limit)}; ${count(others)} by others`, ''],
        ['  … after stopAll', count(one.watchesAfterStop), count(all.watchesAfterStop), '0'],
        ["first edit on the card (stream-json parser), from the starts", p(one.firstEditMs).max, `p50 ${p(all.firstEditMs).p50}, max ${p(all.firstEditMs).max} (${all.firstEditSeen}/${all.agents})`, ''],
        [`watcher-only edits (${SPREAD_EDITS} per agent) seen within ${SEEN_TIMEOUT_MS / 1000} s of the gate`, `${one.edited}/${SPREAD_EDITS}`, `${all.edited}/${all.agents * SPREAD_EDITS} (${editedByQuietEnd} by the end of the quiet window)`, 'all'],
        ['  … agents with every edit seen', `${one.agentsAllSeen}/1`, `${all.agentsAllSeen}/${all.agents}`, 'all'],
        ['  … file mtime → run updated, of the edits seen', `p50 ${oneLat.p50}, max ${oneLat.max}`, `p50 ${allLat.p50}, max ${allLat.max}`, ''],
        ["  … every agent's edits seen, from the gate opening", formatMs(one.gateToAllSeenMs), formatMs(all.gateToAllSeenMs), ''],
        ['agents still running after the quiet window', `${one.stillRunning}/1`, `${stillRunningAfterQuiet}/${all.agents}`, 'all'],
        ['stopAll', formatMs(one.stopMs), formatMs(all.stopMs), ''],
        [`create ${agents} sessions at once (council.createSessions({count: ${agents}}))`, '', formatMs(createMs), ''],
      ],
      [
        `each worktree: ${tree.files.toLocaleString('en-US')} files in ${tree.dirs.toLocaleString('en-US')} folders (outside ${[...UNWATCHED_DIRS].slice(0, 3).join(', ')} …); the watcher takes one inotify watch per folder (it reports the folder's files by name)`,
        `one watch per folder: ${count(dirOnly)} for ${agents} worktrees (${limit ? pct((dirOnly / limit) * 100) : 'n/a'} of the limit)`,
        hitLimit
          ? `the watches wanted (${count(wanted)}) plus other programs' exceed the per-user limit: fs.watch fails with ENOSPC (reported on the run) — edits in unwatched places go unseen, and every other program of this user that watches files fails too while the agents run`
          : 'the watches wanted fit inside the per-user limit',
        `the agents wait at a gate (a FIFO) until every watcher is ready, then each overwrites ${SPREAD_EDITS} existing files spread over the tree; only the watcher reports those edits`,
        'RSS: p50 of 100 ms samples; "idle" is this process with no agent, after the 1-agent warm-up, over the same window length',
      ],
    ),
  );

  const rssPass = rssPeak <= AGENTS_RSS_TARGET_MB * MB;
  return [
    {
      measurement: `${agents} agents, ${files.toLocaleString('en-US')} files: main-process RSS`,
      ours: `${mb(rssRunning)} running, peak ${mb(rssPeak)}`,
      baseline: `no agents ${mb(rssBefore)}`,
      value: `peak ${mb(rssPeak)}`,
      target: `≤ ${AGENTS_RSS_TARGET_MB} MB`,
      pass: rssPass,
    },
    {
      measurement: `${agents} agents asleep: main-process CPU`,
      ours: `${pct(quietCpu)} of one core`,
      baseline: `no agents ${pct(idleCpu)}`,
      value: pct(quietCpu),
      target: `≤ ${AGENTS_IDLE_CPU_TARGET_PERCENT} %`,
      pass: quietCpu <= AGENTS_IDLE_CPU_TARGET_PERCENT,
    },
    {
      measurement: `${agents} agents: inotify watches`,
      ours: `${count(all.watches)}${hitLimit ? ` (wanted ${count(wanted)})` : ''}`,
      baseline: `per-user limit ${count(limit)}`,
      value: Number.isFinite(share) ? `${pct(share * 100)} of the limit` : 'n/a',
      target: `≤ ${AGENTS_WATCH_SHARE_TARGET * 100} % of the limit`,
      pass: Number.isFinite(share) ? share <= AGENTS_WATCH_SHARE_TARGET && !hitLimit : null,
    },
    {
      measurement: `${agents} agents: every watcher-only edit seen`,
      ours: all.edited === all.agents * SPREAD_EDITS ? `all in ${formatMs(all.gateToAllSeenMs)}, p50 ${allLat.p50}` : `${all.edited}/${all.agents * SPREAD_EDITS} seen`,
      baseline: `1 agent alone: ${one.edited}/${SPREAD_EDITS}, p50 ${oneLat.p50}`,
      value: `${all.edited}/${all.agents * SPREAD_EDITS}`,
      target: 'every edit seen',
      pass: all.edited === all.agents * SPREAD_EDITS,
    },
  ];
}

/** `npx tsx bench/agents-scale.ts [--quick]`: this measurement alone, with its summary. */
runStandaloneIfMain(import.meta.url, 'agents', (cfg) => measureAgentsScale(cfg, cfg.quick ? AGENTS_SCALE_QUICK : AGENTS_SCALE_FULL));
