import type { Host, HostTool } from '../../../shared/commands/hosts';
import type { CouncilErrorData } from '../../../shared/errors';

/**
 * What the Settings screen says about each SSH host (issue 17): plain lines from the last check,
 * and which failures of `host.remove` leave "forget it" as the way out.
 */

export interface HostLines {
  /** e.g. "Linux x86_64 · git 2.39.5 · node 20.19.0" */
  machine: string;
  /** The agent CLIs found on the host's PATH, or a sentence saying none was. */
  agents: string;
  /** Council's runtime there, or that it is gone. */
  runtime: string;
}

const tool = (name: string, found: HostTool): string => (found.path === null ? `no ${name}` : `${name} ${found.version ?? '(version unknown)'}${found.ok ? '' : ' (too old)'}`);

export function hostLines(host: Host): HostLines {
  const { check } = host;
  const agents = [...new Set(check.agents.map((agent) => agent.binary))].sort();
  return {
    machine: [check.system ?? 'unknown system', tool('git', check.git), tool('node', check.node)].join(' · '),
    agents: agents.length ? `Agent CLIs: ${agents.join(', ')}` : 'No agent CLI found on its PATH',
    runtime: host.runtime ? `Council ${host.runtime.version} in ${host.runtime.dir}` : 'No council runtime there (add it again to install one)',
  };
}

/** The problems of ssh that mean the host cannot be reached now; removing it can then only forget it. */
const UNREACHABLE = new Set(['refused', 'unreachable', 'timeout', 'unknown-name', 'key-refused', 'host-key', 'ssh-failed']);

/** Whether a failed removal was a connection that could not be made (so "forget" is the way out). */
export function removalCannotReach(error: CouncilErrorData): boolean {
  const problem = (error.details as { problem?: unknown } | undefined)?.problem;
  return typeof problem === 'string' && UNREACHABLE.has(problem);
}
