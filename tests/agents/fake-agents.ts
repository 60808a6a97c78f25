import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { AgentPresetId } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { AgentManager, type ManagerListener } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo';

/**
 * The deterministic fake agent (tests/support/fake-agent.mjs) standing in for a preset's program:
 * the settings point the preset at it, and its script comes through the preset's environment —
 * the same way a user points a preset at their own build of a CLI.
 */

export const FAKE_AGENT = path.join(REPO_ROOT, 'tests', 'support', 'fake-agent.mjs');

export type Step = Record<string, unknown>;

/**
 * The fake agent behind a program of its own that answers `--version` like a real CLI ("0.0.1-fake"),
 * for a preset's program path: detection then finds a version, and the run follows the script.
 */
export function fakeAgentProgram(): string {
  const file = path.join(tempDir('council-fake-agent-'), 'fake-claude');
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  writeFileSync(file, ['#!/bin/sh', 'if [ "$1" = "--version" ]; then echo "0.0.1-fake (fake agent)"; exit 0; fi', `exec ${quote(process.execPath)} ${quote(FAKE_AGENT)} "$@"`, ''].join('\n'));
  chmodSync(file, 0o755);
  return file;
}

/** Steps of a Claude-like run that writes `file` and finishes. */
export const claudeWrites = (file: string, content = 'x\n'): Step[] => [
  { claude: 'init', sessionId: 'fake-session-1' },
  { claude: 'write', path: file, content },
  { claude: 'result', text: 'done', costUsd: 0.0123 },
];

export interface FakeScene {
  repo: TestRepo;
  council: Council;
  manager: AgentManager;
}

/** A repository whose `preset` runs the fake agent with `script` (replace it per test with `useScript`). */
export async function fakeScene(preset: AgentPresetId = 'claude', script: Step[] = [], listener?: ManagerListener, repo: TestRepo = makeRepo()): Promise<FakeScene> {
  const council = Council.open(repo.root);
  await useScript(council, preset, script);
  const manager = new AgentManager(council, { listener, stopGraceMs: 1000 });
  return { repo, council, manager };
}

export async function useScript(council: Council, preset: AgentPresetId, script: Step[]): Promise<void> {
  // The custom preset's program is its template's (customCommand); it has no path setting.
  const program = preset === 'custom' ? {} : { path: FAKE_AGENT };
  const agents = { ...council.ws.settings().agents, [preset]: { ...program, env: { FAKE_AGENT_SCRIPT: JSON.stringify(script) } } };
  await council.ws.updateSettings({ agents });
}

export async function sessions(council: Council, count: number, agent: AgentPresetId = 'claude', task = 'fake task'): Promise<Session[]> {
  return council.createSessions({ task, agent, count });
}

/** The pid of a process that has just exited (for a run whose host is gone). */
export function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid as number));
  });
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function waitUntil(predicate: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `fakeScene` for a test file: the agents of every scene it makes are stopped after each test. */
export function fakeScenesStoppedAfterEach(): typeof fakeScene {
  const scenes: FakeScene[] = [];
  afterEach(async () => {
    await Promise.all(scenes.splice(0).map((scene) => scene.manager.stopAll()));
  });
  return async (...args) => {
    const made = await fakeScene(...args);
    scenes.push(made);
    return made;
  };
}
