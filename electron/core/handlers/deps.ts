import type { AgentPresetId } from '../../../shared/agents';
import type { Council } from '../council';

/**
 * What the command handlers need from the face that serves them. The handlers (one file per domain
 * in this folder) hold every policy; a face (the app core behind Electron IPC and the browser host,
 * the CLI) supplies only how repositories are opened and where background work runs.
 */

/** The owners of the repositories this process has open. */
export interface Repositories {
  /**
   * The owner of the repository that contains `path` (absolute: any folder of the main checkout or
   * a worktree). The app keeps one per repository for as long as it runs; the CLI, one per process.
   */
  open(path: string): Promise<Council>;
}

/** Where work that outlives the command runs: in this process (the app), or a detached worker (the CLI). */
export interface Background {
  /** The queue has something new to do (an entry enqueued or retried): the app works it at once. */
  queueChanged(council: Council): void;
  /** Works through the repository's merge queue; returns the worker's pid when it is another process. */
  drainQueue(council: Council): Promise<number | null>;
  /**
   * Starts headless agents in these (bootstrapped) sessions, `concurrency` at a time, with retries
   * as the settings say; returns once they are under way (a run is recorded).
   */
  startAgents(council: Council, sessionIds: string[], preset: AgentPresetId, concurrency: number): Promise<void>;
  /** Where an agent resumed or started by a follow-up runs (default: in this process, agents/follow-up.ts). */
  followUpRunner?: import('../agents/follow-up').FollowUpRunner;
}

export interface HandlerDeps {
  repos: Repositories;
  background: Background;
}

/** What only a face with connected clients (the app's windows, the browser host's sockets) has. */
export interface ClientSide {
  hub: import('../app/event-hub').EventHub;
  attachments: import('../app/attachments').Attachments;
  /** The repository's first watcher came: whatever the face does then (status notices start). */
  repositoryWatched(council: Council): void;
}
