import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { HostsFileSchema, type Host, type HostsFile } from '../../../shared/commands/hosts';
import { userSettingsFile } from '../settings/layer-file';
import { readJson, updateJson } from '../state/json-store';

/**
 * Where hosts are kept: the user's, not a repository's. A host is a fact about this user's
 * machines, keys and ~/.ssh/config, and the runtime council installs there is per remote user, not
 * per repository: every repository of this user can run sessions on it, and a repository's shared
 * state (its git common dir) is no place for one user's SSH names. So the file sits beside the
 * user settings (`$COUNCIL_HOSTS_FILE`, else hosts.json in the user settings' folder, e.g.
 * ~/.config/cli-council/hosts.json), read with its schema, changed under the cross-process mutex
 * and written atomically like every shared file.
 */

export function hostsFile(env: Record<string, string | undefined> = process.env): string {
  if (env.COUNCIL_HOSTS_FILE?.trim()) return path.resolve(env.COUNCIL_HOSTS_FILE);
  return path.join(path.dirname(userSettingsFile(env)), 'hosts.json');
}

const empty = (): HostsFile => ({ version: 1, hosts: [] });

export class HostStore {
  constructor(readonly file: string = hostsFile()) {}

  list(): Host[] {
    return readJson(this.file, HostsFileSchema, empty).hosts;
  }

  get(name: string): Host | null {
    return this.list().find((h) => h.name === name) ?? null;
  }

  /** Adds or replaces the host of that name. */
  async put(host: Host): Promise<void> {
    mkdirSync(path.dirname(this.file), { recursive: true });
    await updateJson(this.file, HostsFileSchema, empty, 'fsync', (current) => {
      const others = current.hosts.filter((h) => h.name !== host.name);
      const at = current.hosts.findIndex((h) => h.name === host.name);
      const hosts = at === -1 ? [...others, host] : [...others.slice(0, at), host, ...others.slice(at)];
      return { next: { version: 1 as const, hosts }, result: undefined };
    });
  }

  /** Changes a kept host (nothing when it is not kept); the new record or null. */
  async update(name: string, change: (host: Host) => Host): Promise<Host | null> {
    mkdirSync(path.dirname(this.file), { recursive: true });
    return updateJson(this.file, HostsFileSchema, empty, 'fsync', (current) => {
      const found = current.hosts.find((h) => h.name === name);
      if (!found) return { next: null, result: null };
      const next = change(found);
      return { next: { version: 1 as const, hosts: current.hosts.map((h) => (h.name === name ? next : h)) }, result: next };
    });
  }

  /** Forgets a host; whether it was kept. */
  async remove(name: string): Promise<boolean> {
    mkdirSync(path.dirname(this.file), { recursive: true });
    return updateJson(this.file, HostsFileSchema, empty, 'fsync', (current) => {
      const hosts = current.hosts.filter((h) => h.name !== name);
      return hosts.length === current.hosts.length ? { next: null, result: false } : { next: { version: 1 as const, hosts }, result: true };
    });
  }
}
