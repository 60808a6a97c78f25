import type { CommandOutput } from '../../../shared/contract';
import type { Host, HostCheck } from '../../../shared/commands/hosts';
import { notFound } from '../errors';
import { checkHost } from './check';
import { removeHostClones } from './host-removal';
import { installRuntime, localRuntime, removeRuntimes, type LocalRuntime } from './runtime';
import type { SshOptions } from './ssh';
import { HostStore } from './store';

/**
 * Hosts (issue 17): add (check, then install or update council's runtime, then keep), check,
 * list, remove. Electron-free; the handlers (core/handlers/hosts.ts) are its one way in.
 */

export interface HostsOptions {
  store?: HostStore;
  ssh?: SshOptions;
  /** council's version (package.json), which names the runtime folder. */
  version: string;
  /** The bundle to install (default: the one this process runs from). */
  runtime?: () => LocalRuntime;
}

export class Hosts {
  readonly store: HostStore;

  constructor(private readonly options: HostsOptions) {
    this.store = options.store ?? new HostStore();
  }

  list(): CommandOutput<'host.list'> {
    return { hosts: this.store.list(), file: this.store.file };
  }

  async check(name: string): Promise<CommandOutput<'host.check'>> {
    const check = await checkHost(name, this.options.ssh);
    const kept = await this.store.update(name, (host) => ({ ...host, check, runtime: current(check, host) }));
    return { check, added: kept !== null };
  }

  async add(name: string): Promise<CommandOutput<'host.add'>> {
    const check = await checkHost(name, this.options.ssh);
    const local = (this.options.runtime ?? (() => localRuntime(this.options.version)))();
    const same = check.runtimes.find((r) => r.version === local.version && r.build === local.build);
    let action: CommandOutput<'host.add'>['runtime'] = 'up-to-date';
    let runtime = same ?? null;
    let pruned: string[] = [];
    if (!same) {
      // Sent only when this version and build are not there already; the installer then removes
      // the other versions of ours.
      const installed = await installRuntime(name, check.node.path as string, local, this.options.ssh);
      runtime = installed.runtime;
      pruned = installed.pruned;
      action = check.runtimes.length ? 'updated' : 'installed';
    }
    const before = this.store.get(name);
    const host: Host = {
      name,
      addedAt: before?.addedAt ?? new Date().toISOString(),
      check: same ? check : { ...check, runtimes: runtime ? [runtime] : [] },
      runtime,
    };
    await this.store.put(host);
    return { host, runtime: action, pruned };
  }

  async remove(name: string, forget = false): Promise<CommandOutput<'host.remove'>> {
    if (!this.store.get(name)) {
      throw notFound(`no host named ${name} is kept: \`council host list\` shows the hosts (to remove council's runtime from a host that is not listed, add it first)`, { host: name });
    }
    const host = this.store.get(name);
    // Council's clones and worktrees there first: refused (nothing removed) while a session lives
    // there or a ref there holds work that is not at home (host-removal.ts).
    const clones = forget || !host?.check.node.path ? [] : await removeHostClones(name, host.check.node.path, this.options.ssh);
    const removed = forget ? [] : await removeRuntimes(name, this.options.ssh);
    await this.store.remove(name);
    return { name, removed, clones, forgotten: true };
  }
}

/** The runtime a check found that the kept host's record names (same version and build), else the one found, else none. */
function current(check: HostCheck, host: Host): Host['runtime'] {
  return check.runtimes.find((r) => host.runtime && r.version === host.runtime.version && r.build === host.runtime.build) ?? check.runtimes[0] ?? null;
}
