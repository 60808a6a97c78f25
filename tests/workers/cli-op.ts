// Cross-process test worker: runs ONE `council` command through the CLI's own main() (the code
// bin/council.cjs runs), with markers around it, so that a crash test can SIGKILL it inside the
// command rather than while Node is still loading.
//
// argv: <council args…>   e.g. --repo /r --json session remove 3f2a1b --force
// stdout: "begin <pid>" once the program is loaded, just before the command starts; then whatever
//         the command prints; then "end <exit status>".
import { writeSync } from 'node:fs';
import { say } from '../helpers/worker-io';
import { main } from '../../electron/cli/main';

const args = process.argv.slice(2);
say(`begin ${process.pid}`);
main(args).then(
  (code) => {
    say(`end ${code}`);
    process.exit(code);
  },
  (err: unknown) => {
    writeSync(2, `cli-op failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    say('end 1');
    process.exit(1);
  },
);
