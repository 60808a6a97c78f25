// out/cli/remote.cjs: what council runs on a host (issue 17), from its runtime there. See
// core/hosts/remote-side.ts, and core/hosts/remote-tty-side.ts for an interactive agent's terminal.
import { remoteMain } from '../core/hosts/remote-side';
import { ttyMain } from '../core/hosts/remote-tty-side';

if (!ttyMain(process.argv.slice(2))) remoteMain(process.argv.slice(2));
