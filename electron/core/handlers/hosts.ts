import { version } from '../../../package.json';
import type { HandlerTable } from '../dispatch';
import { Hosts } from '../hosts/hosts';

/**
 * Hosts (issue 17): machines reached over SSH. User-level, so no repository is opened; every face
 * (the app, the browser host, `council host …`) serves the same four commands. The runtime's
 * version is the package's, the one the CLI bundle prints (`council --version`).
 */
export function hostHandlers(hosts: () => Hosts = () => new Hosts({ version })) {
  return {
    'host.add': ({ name }) => hosts().add(name),
    'host.list': () => hosts().list(),
    'host.check': ({ name }) => hosts().check(name),
    'host.remove': ({ name, forget }) => hosts().remove(name, forget ?? false),
  } satisfies HandlerTable;
}
