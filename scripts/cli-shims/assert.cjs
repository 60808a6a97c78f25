// Node's `assert` for the CLI bundles (scripts/build-cli.mjs), where only signal-exit (proper-
// lockfile's clean-up on exit) uses it, for one argument check (graceful-fs, its other user, is
// plain node:fs there). The real module loads AssertionError, whose colour support opens
// process.stderr: for a pipe that loads streams and net, ~3 ms of every CLI process that takes a
// mutex (a hook releasing a lock or recording a denial, a session create). Same checks, plain Errors.
'use strict';
function ok(value, message) {
  if (!value) throw new Error(message || 'assertion failed');
}
ok.ok = ok;
// assert.equal is loose equality.
ok.equal = (actual, expected, message) => ok(actual == expected, message || `${actual} == ${expected}`);
module.exports = ok;
