import { PerSession } from './per-session';

/**
 * The terminals each client (a window, a browser socket) is attached to, per repository and
 * session, with the way to stop each. Per client: a client that goes drops all of its own.
 */
export class Attachments {
  private readonly byClient = new Map<string, PerSession<() => void>>();

  /** Records an attachment; one the client already had to the same session is stopped first. */
  set(clientId: string, repo: string, sessionId: string, unsubscribe: () => void): void {
    this.take(clientId, repo, sessionId)?.();
    let mine = this.byClient.get(clientId);
    if (!mine) this.byClient.set(clientId, (mine = new PerSession()));
    mine.set(repo, sessionId, unsubscribe);
  }

  /** Forgets an attachment and returns its stop (undefined when there was none). */
  take(clientId: string, repo: string, sessionId: string): (() => void) | undefined {
    const mine = this.byClient.get(clientId);
    const unsubscribe = mine?.get(repo, sessionId);
    mine?.delete(repo, sessionId);
    return unsubscribe;
  }

  /** Stops every attachment of a client. */
  dropClient(clientId: string): void {
    for (const unsubscribe of this.byClient.get(clientId)?.values() ?? []) unsubscribe();
    this.byClient.delete(clientId);
  }

  clear(): void {
    for (const clientId of [...this.byClient.keys()]) this.dropClient(clientId);
  }
}
