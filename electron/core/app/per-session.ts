/**
 * A value per (repository, session): two levels of maps, so a key is never a joined string that a
 * path containing the separator could forge, and a repository's entries are found without a scan.
 */
export class PerSession<T> {
  private readonly byRepo = new Map<string, Map<string, T>>();

  get(repo: string, sessionId: string): T | undefined {
    return this.byRepo.get(repo)?.get(sessionId);
  }

  set(repo: string, sessionId: string, value: T): void {
    let sessions = this.byRepo.get(repo);
    if (!sessions) this.byRepo.set(repo, (sessions = new Map()));
    sessions.set(sessionId, value);
  }

  has(repo: string, sessionId: string): boolean {
    return this.byRepo.get(repo)?.has(sessionId) ?? false;
  }

  delete(repo: string, sessionId: string): boolean {
    const sessions = this.byRepo.get(repo);
    const deleted = sessions?.delete(sessionId) ?? false;
    if (sessions?.size === 0) this.byRepo.delete(repo);
    return deleted;
  }

  /** The sessions of one repository, with their values. */
  of(repo: string): [string, T][] {
    return [...(this.byRepo.get(repo) ?? [])];
  }

  /** Every (repository, session, value). */
  *entries(): IterableIterator<[string, string, T]> {
    for (const [repo, sessions] of this.byRepo) for (const [sessionId, value] of sessions) yield [repo, sessionId, value];
  }

  values(): T[] {
    return [...this.entries()].map(([, , value]) => value);
  }

  clear(): void {
    this.byRepo.clear();
  }
}
