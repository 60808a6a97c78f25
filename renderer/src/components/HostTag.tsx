import type { Session } from '../../../shared/models';

/**
 * Where a remote session runs (issue 17): "on NAME", the host's SSH name, with its worktree there
 * in the tooltip. Nothing for a session on this machine.
 */
export function HostTag({ session, testId }: { session: Session; testId: string }) {
  if (!session.host) return null;
  return (
    <span className="badge host-tag" data-testid={testId} title={`Runs on ${session.host.name}, in ${session.host.path} there; the folder here is a mirror of it`}>
      on {session.host.name}
    </span>
  );
}
