import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { type ModelServer, type Script, startModelServer, type ToolResult } from '../support/model-server/index';
import type { AgentName } from './agent-clis';

/** What every scripted run writes, and what every denying hook says. */
export const TARGET = 'src/x.ts';
export const CONTENT = 'export const x = 42;\n';
export const REASON = 'src/x.ts is being edited by session 3f2a';
export const WRITE_SCRIPT: Script = [{ write: { path: TARGET, content: CONTENT } }, { text: 'Done: wrote src/x.ts.' }];

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

export interface Scene {
  repo: TestRepo;
  server: ModelServer;
  /** Where the test hook records each payload it receives. */
  hookLog: string;
  target: string;
}

/** A fresh repository and a scripted model server for one CLI run. */
export async function scene(script: Script = WRITE_SCRIPT): Promise<Scene> {
  const repo = makeRepo();
  const server = await startModelServer(script);
  servers.push(server);
  return { repo, server, hookLog: path.join(path.dirname(repo.root), 'hook-calls.jsonl'), target: path.join(repo.root, TARGET) };
}

/** A URL nobody listens on: the port was just free and is closed again. */
export async function deadServerUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The JSON payloads the test hook received, in order. */
export function hookCalls(log: string): Record<string, unknown>[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse((JSON.parse(line) as { payload: string }).payload) as Record<string, unknown>);
}

/**
 * The tool result the CLI sent back for the scripted write: it arrives in the request after the
 * one the server answered with the write.
 */
export function writeResult(server: ModelServer): ToolResult {
  const turns = server.requests.filter((r) => r.kind === 'turn');
  const index = turns.findIndex((r) => r.answered?.kind === 'write');
  const next = turns.slice(index + 1).find((r) => r.toolResults.length > 0);
  const result = index >= 0 ? next?.toolResults[0] : undefined;
  if (!result) throw new Error(`No tool result followed the write. Requests: ${server.requests.map((r) => `${r.kind} ${r.url}`).join(', ')}`);
  return result;
}

/** Fails loudly, naming the fix, when a CLI is not installed (never a silent skip). */
export function requireCli(name: AgentName): void {
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', name);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm install\` (the agent CLIs are devDependencies).`);
}

/** Events of one `type` (Claude, Gemini) from a CLI's JSON lines. */
export function ofType(events: Record<string, unknown>[], type: string): Record<string, unknown>[] {
  return events.filter((event) => event.type === type);
}

/** Two sessions on a real repo, the first holding TARGET: what every lock-hook test starts from. */
export interface HeldFile {
  repo: TestRepo;
  council: Council;
  holder: Session;
  writer: Session;
}

export async function heldFile(): Promise<HeldFile> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const [holder, writer] = (await council.createSessions({ task: 'add auth', agent: 'codex', count: 2 })) as [Session, Session];
  await council.locks.acquire(TARGET, holder.id, { cwd: repo.root });
  return { repo, council, holder, writer };
}
