#!/usr/bin/env node
// A stand-in for Auto-Claude's CLI (apps/backend/spec_runner.py; it needs Python packages from
// PyPI and a Claude login, neither of which can be had here). It does only what the tests need,
// as Auto-Claude's CLI-USAGE guide describes its command line — never more:
//
// - `--help`: prints a usage line (the preset's detection asks it, Auto-Claude has no --version).
// - `--task <text> --project-dir <dir>`: STANDIN_WRITE="<path>=<content>" is written inside the
//   project folder, then it exits 0; with STANDIN_FAIL="<message>" it prints that message on stderr
//   and exits 1 instead (a failure path: no Claude login, a broken install).
// Its arguments go to $STANDIN_ARGV_FILE (one JSON line) when set.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const argv = process.argv.slice(2);
if (process.env.STANDIN_ARGV_FILE) appendFileSync(process.env.STANDIN_ARGV_FILE, `${JSON.stringify(argv)}\n`);
const value = (flag) => {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
};

if (argv.includes('--help')) {
  console.log('usage: spec_runner.py [--task TASK] [--project-dir DIR] [--direct] [--auto-continue]');
  process.exit(0);
}
const task = value('--task');
const project = value('--project-dir');
if (!task || !project) {
  console.error('spec_runner.py: error: --task and --project-dir are required');
  process.exit(2);
}
if (process.env.STANDIN_FAIL) {
  console.error(process.env.STANDIN_FAIL);
  process.exit(1);
}
console.log(`Creating spec for: ${task}`);
const write = process.env.STANDIN_WRITE;
if (write) {
  const at = write.indexOf('=');
  const file = path.join(project, write.slice(0, at));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, write.slice(at + 1));
  console.log(`Build complete: ${write.slice(0, at)}`);
}
