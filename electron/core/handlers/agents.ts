import { detectPresets } from '../agents/presets/index';
import { readLog } from '../agents/log-file';
import { sendFollowUp } from '../agents/follow-up';
import type { HandlerTable } from '../dispatch';
import { CouncilError } from '../errors';
import type { HandlerDeps } from './deps';

/** Agents: the presets on this machine, and a session's agent — start, stop, keys, runs, log, events. */

export function agentHandlers({ repos, background }: HandlerDeps) {
  const agents = async (repo: string) => (await repos.open(repo)).agents();
  return {
    'agents.list': async ({ repo }) => detectPresets((await repos.open(repo)).ws.settings(), process.env as Record<string, string>),
    'agent.start': async ({ repo, id, preset, mode, resume }) => (await agents(repo)).start(id, { preset, mode, resume }),
    'agent.stop': async ({ repo, id }) => (await agents(repo)).stop(id),
    'agent.input': async ({ repo, id, data }) => ({ written: (await agents(repo)).write(id, data) }),
    'agent.followUp': async ({ repo, id, text, start }) => {
      const runner = background.followUpRunner;
      return sendFollowUp(await agents(repo), id, text, { ...(start ? { start } : {}), ...(runner ? { runner, from: 'cli' } : { from: 'app' }) });
    },
    'agent.resize': async ({ repo, id, cols, rows }) => ({ resized: (await agents(repo)).resize(id, cols, rows) }),
    'agent.runs': async ({ repo, id }) => (await agents(repo)).runs(id),
    'agent.events': async ({ repo, id }) => (await agents(repo)).events(id),
    'agent.log': async ({ repo, id, offset }) => {
      const manager = await agents(repo);
      const session = manager.council.session(id);
      const run = manager.store.latest(session.id);
      if (!run) throw new CouncilError('not-found', `session ${session.id} has no agent run yet; start one with: council session create --agent … or council run`);
      const { text, size } = readLog(manager.store.logFile(run), offset ?? 0);
      return { run, log: text, size };
    },
  } satisfies HandlerTable;
}
