import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants as fsConstants, mkdirSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../../tests/helpers/cli';

/**
 * The fake agents of the scale measurement: tests/support/fake-agent.mjs as the Claude preset's
 * program, headless, each with a script of its own (a small wrapper hands it the file named after
 * COUNCIL_SESSION_ID, which every agent gets from the session):
 *
 *   claude init → claude write bench-agent/<session>.ts (seen through the stream-json parser)
 *   → wait at the gate → overwrite its own existing files, spread over the tree (seen only by the
 *   worktree watcher) → sleep an hour (alive and quiet until stopped).
 *
 * Each agent edits different files: agents that all edit the same files would make every pair of
 * sessions overlap, and the conflict radar would then run a `git merge-tree` per pair (4,950 at
 * 100 sessions) — a radar measurement (bench/radar.ts), not this one.
 */

export const FAKE_AGENT = path.join(REPO_ROOT, 'tests', 'support', 'fake-agent.mjs');
export const EDIT_CONTENT = '// edited by a bench agent\n';
export const firstEditOf = (sessionId: string): string => `bench-agent/${sessionId}.ts`;

/** A FIFO the agents block on (`cat`) while the bench holds it open; closing it lets them all on. */
export class Gate {
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
    this.nudge();
  }
  /**
   * An agent that reaches the gate after it opened would wait forever for a writer: open the FIFO
   * for writing once and close it, which ends any such `cat` (none waiting: the open fails, ENXIO).
   */
  nudge(): void {
    if (this.fd !== null) return;
    try {
      closeSync(openSync(this.file, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is waiting
    }
  }
}

/** `perAgent` existing files for each of `agents`, spread over the tree, no file shared by two agents. */
export function planEdits(agents: number, perAgent: number, generatedFiles: number, pathAt: (index: number) => string): string[][] {
  const slots = agents * perAgent;
  if (slots > generatedFiles) throw new Error(`${slots} distinct edits need at least that many files, the repository has ${generatedFiles}`);
  // Slot k of agent i is file (k * agents + i) of `slots` evenly spaced ones: each agent's files
  // reach from the start of the tree to its end, and two agents never share one.
  return Array.from({ length: agents }, (_, i) =>
    Array.from({ length: perAgent }, (_, k) => pathAt(Math.floor(((k * agents + i) * generatedFiles) / slots))),
  );
}

export interface Fleet {
  /** The program the Claude preset points at (the wrapper). */
  program: string;
  gate: Gate;
  /** Session id → the existing files its agent overwrites after the gate. */
  edits: Map<string, string[]>;
}

/**
 * Writes each session's script and the wrapper into `dir`, and points the repository's Claude
 * preset at the wrapper (settings, as a user would in Settings → Agents).
 */
export async function prepareFleet(council: Council, dir: string, plan: Map<string, string[]>): Promise<Fleet> {
  const scripts = path.join(dir, 'scripts');
  mkdirSync(scripts, { recursive: true });
  const gate = new Gate(path.join(dir, 'gate.fifo'));
  for (const [sessionId, files] of plan) {
    const script = [
      { claude: 'init', sessionId: `bench-${sessionId}` },
      { claude: 'write', path: firstEditOf(sessionId), content: 'export const firstEdit = 1;\n' },
      { run: ['cat', gate.file] },
      ...files.map((file) => ({ write: { path: file, content: EDIT_CONTENT } })),
      { sleep: 3_600_000 },
    ];
    writeFileSync(path.join(scripts, `${sessionId}.json`), JSON.stringify(script));
  }
  const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  const program = path.join(dir, 'fake-claude');
  writeFileSync(program, ['#!/bin/sh', `exec ${quote(process.execPath)} ${quote(FAKE_AGENT)} --script-file ${quote(scripts)}/"$COUNCIL_SESSION_ID.json" "$@"`, ''].join('\n'));
  chmodSync(program, 0o755);
  await council.ws.updateSettings({ agents: { ...council.ws.settings().agents, claude: { path: program } } });
  return { program, gate, edits: plan };
}
