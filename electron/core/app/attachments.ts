/**
 * The terminals each client (a window, a browser socket) is attached to, per repository and
 * session, with the way to stop each. Per client: a client that goes drops all of its own.
 */
export class Attachments {
  private readonly byClient = new Map<string, Map<string, Map<string, () => void>>>();

  /** Records an attachment; one the client already had to the same session is stopped first. */
  set(clientId: string, repo: string, sessionId: string, unsubscribe: () => void): void {
    this.take(clientId, repo, sessionId)?.();
    let repos = this.byClient.get(clientId);
    if (!repos) this.byClient.set(clientId, (repos = new Map()));
    let sessions = repos.get(repo);
    if (!sessions) repos.set(repo, (sessions = new Map()));
    sessions.set(sessionId, unsubscribe);
  }

  /** Forgets an attachment and returns its stop (undefined when there was none). */
  take(clientId: string, repo: string, sessionId: string): (() => void) | undefined {
    const sessions = this.byClient.get(clientId)?.get(repo);
    const unsubscribe = sessions?.get(sessionId);
    sessions?.delete(sessionId);
    return unsubscribe;
  }

  /** Stops every attachment of a client. */
  dropClient(clientId: string): void {
    for (const sessions of this.byClient.get(clientId)?.values() ?? []) for (const unsubscribe of sessions.values()) unsubscribe();
    this.byClient.delete(clientId);
  }

  clear(): void {
    for (const clientId of [...this.byClient.keys()]) this.dropClient(clientId);
  }
}
