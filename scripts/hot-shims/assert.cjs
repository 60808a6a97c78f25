// Node's `assert` for the hot bundle (out/cli/hot.cjs), where only signal-exit (proper-lockfile's
// clean-up on exit) uses it, for one argument check. The real module loads AssertionError, whose
// colour support opens process.stderr: for a pipe that loads streams and net, ~3 ms of a lock
// hook that has to release a lock or record a denial. Same checks, plain Errors.
'use strict';
function ok(value, message) {
  if (!value) throw new Error(message || 'assertion failed');
}
ok.ok = ok;
// assert.equal is loose equality.
ok.equal = (actual, expected, message) => ok(actual == expected, message || `${actual} == ${expected}`);
module.exports = ok;
