import type { Session } from '../../shared/models';
import { MERGE_STRATEGIES } from '../../shared/merge';
import { Council } from '../../electron/core/council';
import { MergeQueue } from '../../electron/core/merge/index';
import { inspectWork } from '../../electron/core/sessions/inspect';
import { CrashLedger } from './crash-checker';
import { gitSync, makeRepo, writeIn } from './repo';

/**
 * The repository a lifecycle crash loop works on, and what happens in it between the killed
 * commands: the test itself plays the agents (commits and uncommitted files in the sessions'
 * worktrees, file locks) and records every commit and every uncommitted file in the ledger, then
 * picks the next `council` command with its arguments and the outcome it must have if it runs to
 * the end. Every session writes only files of its own, so merges never conflict.
 */

export const OP_KINDS = ['create', 'remove', 'remove --force', 'cleanup', 'merge'] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** A `council` command to run (after `--repo <root> --json`), and what a run to the end must do. */
export interface PlannedOp {
  kind: OpKind;
  args: string[];
  /** The exit statuses a run to the end may have (3: refused, e.g. unmerged work). */
  exitCodes: number[];
  /** Does this command move the base branch? */
  merges: boolean;
  /** What the planner did to the target first, for the report. */
  note: string;
}

export type Rng = () => number;

/** A small seeded generator (mulberry32): a loop's choices can be replayed from its seed. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

/** Sessions kept between these counts: enough targets, not an ever-growing repository. */
const MIN_SESSIONS = 2;
const MAX_SESSIONS = 7;

export class LifecycleWorld {
  readonly council: Council;
  readonly ledger: CrashLedger;
  private serial = 0;

  private constructor(readonly root: string) {
    this.council = Council.open(root);
    this.ledger = new CrashLedger(root, 'main');
  }

  /** A repository with `files` source files (more files: a longer `git worktree add`). */
  static create(files: number): LifecycleWorld {
    const contents: Record<string, string> = { 'README.md': '# lifecycle crash loop\n' };
    for (let i = 0; i < files; i++) contents[`src/m${Math.floor(i / 50)}/f${i}.ts`] = `export const f${i} = ${i};\n`;
    return new LifecycleWorld(makeRepo(contents).root);
  }

  sessions(): Session[] {
    return this.council.listSessions().filter((s) => s.state === 'ready');
  }

  /**
   * Tops the sessions up to MIN_SESSIONS, in this process (set-up, not a command under test):
   * otherwise, after removals, `create` would be the only command that makes sense, run after run.
   */
  async replenish(): Promise<void> {
    const missing = MIN_SESSIONS - this.sessions().length;
    if (missing > 0) await this.council.createSessions({ task: `replenished ${++this.serial}`, count: missing });
  }

  /** Which commands make sense now: create needs room, merge a session not already in line. */
  possibleOps(): OpKind[] {
    const n = this.sessions().length;
    const ops = OP_KINDS.filter((k) => k !== 'create' || n < MAX_SESSIONS);
    return this.mergeable().length > 0 ? ops : ops.filter((k) => k !== 'merge');
  }

  private mergeable(): Session[] {
    const open = new Set(new MergeQueue(this.council.ws).list().filter((e) => e.state !== 'merged' && e.state !== 'parked').map((e) => e.sessionId));
    return this.sessions().filter((s) => !open.has(s.id));
  }

  /** Commits a new file of the session's own, recording the commit. */
  commitWork(s: Session): string {
    const n = ++this.serial;
    writeIn(s.worktreePath, `work/${s.id}-${n}.txt`, `committed work ${n} of session ${s.id}\n`);
    gitSync(s.worktreePath, 'add', '-A', '--', `work/${s.id}-${n}.txt`);
    gitSync(s.worktreePath, 'commit', '-q', '-m', `session ${s.id}: work ${n}`, '--', `work/${s.id}-${n}.txt`);
    const sha = gitSync(s.worktreePath, 'rev-parse', 'HEAD');
    this.ledger.commits.add(sha);
    return sha;
  }

  /** Leaves a new uncommitted file in the session's worktree, recording its content. */
  writePending(s: Session): void {
    const n = ++this.serial;
    const rel = `pending/${s.id}-${n}.txt`;
    const content = `uncommitted work ${n} of session ${s.id} (${Math.random().toString(36).slice(2)})\n`;
    writeIn(s.worktreePath, rel, content);
    this.ledger.pending.push({ sessionId: s.id, worktreePath: s.worktreePath, path: rel, content });
  }

  async lockFile(s: Session): Promise<void> {
    await this.council.locks.acquire(`src/locked-by-${s.id}.ts`, s.id, { cwd: s.worktreePath });
  }

  private async giveWork(rng: Rng, s: Session): Promise<string> {
    const kind = pick(rng, ['commit', 'uncommitted', 'both'] as const);
    if (kind !== 'uncommitted') this.commitWork(s);
    if (kind !== 'commit') this.writePending(s);
    return kind === 'both' ? 'a commit and uncommitted work' : kind === 'commit' ? 'a commit' : 'uncommitted work';
  }

  private async hasWork(s: Session): Promise<boolean> {
    const work = await inspectWork(this.council.ws, s);
    return work.unmergedCommits > 0 || work.uncommitted.length > 0;
  }

  /** Prepares the targets of one command of this kind and returns it. */
  async plan(kind: OpKind, rng: Rng): Promise<PlannedOp> {
    const sessions = this.sessions();
    switch (kind) {
      case 'create': {
        const count = 1 + Math.floor(rng() * 3);
        return { kind, args: ['session', 'create', '--task', `crash loop task ${++this.serial}`, '--count', String(count)], exitCodes: [0], merges: false, note: `--count ${count}` };
      }
      case 'remove': {
        const s = pick(rng, sessions);
        let note = 'as it was';
        if (rng() < 0.5) note = `after ${await this.giveWork(rng, s)}`;
        const refused = await this.hasWork(s);
        return { kind, args: ['session', 'remove', s.id], exitCodes: [refused ? 3 : 0], merges: false, note: refused ? `${note}: must refuse` : `${note}: nothing to lose` };
      }
      case 'remove --force': {
        const s = pick(rng, sessions);
        let note = rng() < 0.75 ? `after ${await this.giveWork(rng, s)}` : 'as it was';
        if (rng() < 0.5) {
          await this.lockFile(s);
          note += ', holding a file lock';
        }
        return { kind, args: ['session', 'remove', s.id, '--force'], exitCodes: [0], merges: false, note };
      }
      case 'cleanup': {
        const s = pick(rng, sessions);
        const what = pick(rng, ['work', 'lock', 'nothing'] as const);
        if (what === 'work') await this.giveWork(rng, s);
        if (what === 'lock') await this.lockFile(s);
        return { kind, args: ['session', 'cleanup', '--older-than', '0s'], exitCodes: [0], merges: false, note: what === 'nothing' ? 'as they were' : `one session given ${what}` };
      }
      case 'merge': {
        const s = pick(rng, this.mergeable());
        this.commitWork(s);
        this.writePending(s);
        const strategy = pick(rng, MERGE_STRATEGIES);
        const gate = rng() < 0.3 ? ['--gate', 'test -f README.md'] : ['--no-gate'];
        const removeAfterMerge = rng() < 0.5;
        await this.council.ws.updateSettings({ removeAfterMerge });
        return {
          kind,
          args: ['merge', s.id, '--wait', '--strategy', strategy, ...gate],
          exitCodes: [0],
          merges: true,
          note: `${strategy}${gate[0] === '--gate' ? ', gate' : ''}${removeAfterMerge ? ', removeAfterMerge' : ''}`,
        };
      }
    }
  }
}
