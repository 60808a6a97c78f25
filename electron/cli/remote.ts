// out/cli/remote.cjs: what council runs on a host (issue 17), from its runtime there. See
// core/hosts/remote-side.ts, core/hosts/remote-detached.ts for a headless agent that outlives its
// connection, and core/hosts/remote-tty-side.ts for an interactive agent's terminal.
import { attachEntry, superviseMain } from '../core/hosts/remote-detached';
import { remoteMain } from '../core/hosts/remote-side';
import { ttyMain } from '../core/hosts/remote-tty-side';

const argv = process.argv.slice(2);
if (argv[0] === 'supervise') superviseMain(String(argv[1]));
else if (argv[0] === 'attach') attachEntry();
else if (!ttyMain(argv)) remoteMain(argv);
