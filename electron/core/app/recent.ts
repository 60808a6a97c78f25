import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { RecentFileSchema, type RecentRepo } from '../../../shared/models';
import { readJsonOrNull, withMutex, writeJson } from '../state/json-store';

const LIMIT = 12;

/** The recently opened repositories of this user, newest first (the app's userData, or ~/.council). */
export class RecentRepos {
  private readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, 'recent-repos.json');
  }

  list(): RecentRepo[] {
    return readJsonOrNull(this.file, RecentFileSchema)?.repos ?? [];
  }

  async add(root: string, name: string): Promise<void> {
    mkdirSync(path.dirname(this.file), { recursive: true });
    await withMutex(this.file, () => {
      const others = this.list().filter((r) => r.root !== root);
      writeJson(this.file, { version: 1, repos: [{ root, name, openedAt: new Date().toISOString() }, ...others].slice(0, LIMIT) }, 'rename-only');
    });
  }
}
