import type { ContextStatus } from '../../../shared/models';
import { PerSession } from './per-session';

export interface Notice {
  title: string;
  body: string;
  repo: string;
  sessionId: string;
}

/** Statuses worth interrupting the user for: the session needs them, or is finished. */
const NOTIFY: Partial<Record<ContextStatus, string>> = {
  done: 'is done',
  failed: 'failed',
  blocked: 'is blocked',
  // Its agent asks for something (a permission, an answer, "trust this folder?"). Idle is not news.
  'needs-input': 'needs your input',
};

/**
 * Turns status changes into notices (the desktop app shows them as OS notifications). Only a
 * change counts: the first status seen for a session is remembered, not announced, so opening a
 * repository does not replay every finished session.
 */
export class StatusNotifier {
  private readonly last = new PerSession<ContextStatus>();

  constructor(private readonly notify: (notice: Notice) => void) {}

  observe(repo: string, session: { id: string; task: string; status: ContextStatus; message: string | null }): void {
    const before = this.last.get(repo, session.id);
    this.last.set(repo, session.id, session.status);
    if (before === undefined || before === session.status) return;
    const what = NOTIFY[session.status];
    if (!what) return;
    this.notify({
      repo,
      sessionId: session.id,
      title: `Session ${session.id} ${what}`,
      body: session.message ? `${session.task} — ${session.message}` : session.task,
    });
  }

  forget(repo: string, sessionId: string): void {
    this.last.delete(repo, sessionId);
  }
}
