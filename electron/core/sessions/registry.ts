import { byText } from '../../../shared/order';
import type { RegistryFile, Session } from '../../../shared/models';
import { RegistryFileCheck, SessionCheck } from '../../../shared/record-checks';
import { CouncilError, invalidInput, notFound } from '../errors';
import { CachedJson, withMutex, writeJson } from '../state/json-store';
import type { StatePaths } from '../state/paths';

const empty = (): RegistryFile => ({ version: 1, sessions: {} });

/**
 * The ownership registry: which sessions exist, their branch and worktree. One JSON file in the
 * git common dir, so every worktree and every process sees the same sessions.
 */
export class Registry {
  private readonly cache: CachedJson<RegistryFile>;

  constructor(private readonly paths: StatePaths) {
    this.cache = new CachedJson(paths.registry, RegistryFileCheck, empty);
  }

  /** Changes whenever the registry file does (valid after any read). */
  get version(): string {
    this.cache.read();
    return this.cache.version;
  }

  all(): Session[] {
    return Object.values(this.cache.read().sessions).sort((a, b) => byText(a.createdAt, b.createdAt) || byText(a.id, b.id));
  }

  find(id: string): Session | undefined {
    return this.cache.read().sessions[id];
  }

  /** Resolves a full id or a unique prefix of one. */
  resolve(idOrPrefix: string): Session {
    const wanted = idOrPrefix.trim().toLowerCase();
    if (!/^[0-9a-f]{1,12}$/.test(wanted)) {
      throw invalidInput(`"${idOrPrefix}" is not a session id (ids are hex, like 3f2a1b)`);
    }
    const sessions = this.cache.read().sessions;
    const exact = sessions[wanted];
    if (exact) return exact;
    const matches = Object.values(sessions).filter((s) => s.id.startsWith(wanted));
    if (matches.length === 1 && matches[0]) return matches[0];
    if (matches.length === 0) throw notFound(`no session with id ${idOrPrefix}`);
    throw invalidInput(`session id prefix ${idOrPrefix} is ambiguous: ${matches.map((s) => s.id).join(', ')}`);
  }

  /**
   * Changes the registry under its mutex. Atomic (rename), not fsync'd: git itself does not fsync
   * the refs and worktrees this file describes (core.fsync is off by default), and reconcile
   * re-adopts any council worktree whose record a power cut lost. An fsync here cost ~1 ms twice
   * per session create.
   *
   * The file is parsed and validated only when another process changed it since this one last read
   * or wrote it, and of what `change` returns only the records it changed are validated: checking
   * every record cost ~15 ms per update at 500 sessions, twice per session create. `change` must
   * not modify the file it is given (it may be this process's cached copy): it returns a new one.
   */
  update<R>(change: (file: RegistryFile) => { next: RegistryFile | null; result: R }): Promise<R> {
    return withMutex(this.paths.registry, () => {
      const current = this.cache.read();
      const { next, result } = change(current);
      if (next !== null) {
        const checked = checkChanged(current, next);
        writeJson(this.paths.registry, checked, 'rename-only');
        this.cache.remember(checked);
      }
      return result;
    });
  }
}

/** `next` with each record that is not `current`'s own validated (a record written is a valid one). */
function checkChanged(current: RegistryFile, next: RegistryFile): RegistryFile {
  if (next.version !== 1) throw new CouncilError('internal', `the registry's version must stay 1, not ${String(next.version)}`);
  const sessions: Record<string, Session> = {};
  for (const [id, session] of Object.entries(next.sessions)) {
    if (session === current.sessions[id]) {
      sessions[id] = session;
      continue;
    }
    const checked = SessionCheck.safeParse(session);
    if (!checked.success) throw new CouncilError('internal', `refused to write a malformed session record (${String(checked.error)})`);
    sessions[id] = checked.data;
  }
  return { version: 1, sessions };
}
