// out/cli/remote.cjs: what council runs on a host (issue 17), from its runtime there. See
// core/hosts/remote-side.ts.
import { remoteMain } from '../core/hosts/remote-side';

remoteMain(process.argv.slice(2));
