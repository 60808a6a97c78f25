import type { Session } from '../../../shared/models';
import { invalidInput } from '../errors';
import { hostFor, remoteCommand, syncHome } from '../hosts/remote-session';
import { SIGNAL, type RunSpec } from '../hosts/remote-side';
import { sshArgs } from '../hosts/ssh';
import type { Workspace } from '../workspace';
import type { Launch } from './types';

/**
 * A remote session's agent (issue 17), as the manager starts it: `ssh HOST node remote.cjs run`
 * over the host's ControlMaster, the preset's launch (program, arguments, the variables council
 * adds) sent as the first line of its stdin, which then stays open — closing it (stopping ssh, home
 * going away) stops the agent there with everything it started. Its stdout is the agent's, parsed
 * at home as a local run's; on stderr the runtime's own lines (remote-side.ts SIGNAL) say when the
 * host took a snapshot, which is fetched into the home's mirror worktree at once.
 */

export interface RemoteRun {
  command: string;
  args: string[];
  /** The worktree on the host (the paths the agent's events name). */
  worktree: string;
  /** The first line to write to the process's stdin. */
  specLine: string;
  /** Takes one stderr line: true when it was the runtime's, not the agent's. */
  handles(line: string): boolean;
  /** Resolves once every snapshot announced so far is home. */
  settled(): Promise<void>;
  /** What went wrong on the way (a snapshot that could not be fetched), for the run's log. */
  onProblem?: (text: string) => void;
}

/** Variables council adds to the user's environment (the preset's, the session's), as the host gets them. */
function addedEnv(launchEnv: Record<string, string>, userEnv: Record<string, string>, session: Session, worktree: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(launchEnv)) if (userEnv[key] !== value) out[key] = value;
  out.COUNCIL_WORKTREE = worktree;
  out.COUNCIL_SESSION_ID = session.id;
  return out;
}

export function remoteRun(ws: Workspace, session: Session, launch: Launch, userEnv: Record<string, string>, mode: string): RemoteRun {
  const place = session.host;
  if (!place) throw new Error('remoteRun: not a remote session');
  if (mode !== 'headless') throw invalidInput(`session ${session.id} is on ${place.name}: its agent runs headless for now (an interactive terminal over SSH is not built yet)`);
  const ctx = hostFor(place.name);
  const spec: RunSpec = { id: session.id, cwd: place.path, command: launch.command, args: launch.args, env: addedEnv(launch.env, userEnv, session, place.path) };
  let chain: Promise<void> = Promise.resolve();
  let latest: string | null = null;
  const run: RemoteRun = {
    command: 'ssh',
    args: sshArgs(place.name, remoteCommand(ctx, 'run'), ctx.ssh),
    worktree: place.path,
    specLine: `${JSON.stringify(spec)}\n`,
    handles(line) {
      if (!line.startsWith(SIGNAL)) return false;
      let said: { snapshot?: string; snapshotError?: string; watchError?: string; error?: string };
      try {
        said = JSON.parse(line.slice(SIGNAL.length)) as typeof said;
      } catch {
        return true;
      }
      if (said.snapshot) {
        latest = said.snapshot;
        // Snapshots in a burst: the one fetched is the newest when its turn comes.
        chain = chain.then(async () => {
          const commit = latest;
          if (!commit) return;
          latest = null;
          await syncHome(ws, session, commit).catch((err: Error) => run.onProblem?.(`the host's work could not be fetched home: ${err.message}`));
        });
      }
      const problem = said.snapshotError ?? said.watchError ?? said.error;
      if (problem) run.onProblem?.(`on ${place.name}: ${problem}`);
      return true;
    },
    settled: () => chain,
  };
  return run;
}
