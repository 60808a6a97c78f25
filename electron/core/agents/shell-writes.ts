import { statSync } from 'node:fs';
import path from 'node:path';
import { parse, type ParseEntry } from 'shell-quote';

/**
 * The files a shell command line will write, as far as a conservative reading can tell
 * (issue 12, item 11: an agent's shell tool — Claude Code's Bash, Codex's exec_command, Gemini's
 * run_shell_command — writes files as surely as its edit tools do). Read with shell-quote, never
 * run. What it finds: redirections (`>`, `>>`, `>|`, `&>`), `tee`, `sed -i` / `perl -i`, the
 * targets of `cp`, `mv` (and its sources: they disappear), `install`, `ln`, and the operands of
 * `rm`, `unlink`, `shred`, `touch`, `truncate`, `dd of=`, `git checkout|restore -- <file>`; `cd`
 * moves where later relative paths point; `sh -c` / `bash -c` scripts are read too.
 *
 * It cannot see what an interpreter (`python -c`, `node -e`), a glob, a script file or a command
 * substitution writes: the post-tool guard (shell-guard.ts) catches those by comparing the files
 * other sessions hold before and after the command, and undoes the change.
 */

const CONTROL = new Set(['|', '||', '&&', ';', ';;', '&', '|&', '(', ')', '<(']);
const REDIRECT_OUT = new Set(['>', '>>', '>|', '&>', '&>>']);
/** Words that run the rest of the line as a command. */
const WRAPPERS = new Set(['sudo', 'env', 'command', 'nohup', 'time', 'nice', 'exec', 'builtin', 'stdbuf', 'timeout']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);
const OPERANDS_WRITTEN = new Set(['rm', 'unlink', 'shred', 'touch', 'truncate', 'tee']);

type Word = string;

const isAssignment = (word: Word): boolean => /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
const operands = (args: Word[]): Word[] => {
  const out: Word[] = [];
  let rest = false;
  for (const arg of args) {
    if (!rest && arg === '--') rest = true;
    else if (rest || !arg.startsWith('-') || arg === '-') out.push(arg);
  }
  return out;
};

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** What one simple command (its words, wrappers and assignments removed) writes, relative to `cwd`. */
function commandWrites(words: Word[], cwd: string): { files: string[]; script: string | null } {
  const [name = '', ...args] = words;
  const program = path.basename(name);
  const resolve = (file: string): string => path.resolve(cwd, file);
  if (SHELLS.has(program)) {
    const at = args.findIndex((arg) => /^-[a-z]*c[a-z]*$/.test(arg));
    return { files: [], script: at >= 0 ? (args[at + 1] ?? null) : null };
  }
  if (OPERANDS_WRITTEN.has(program)) {
    // truncate -s N / tee -a: the option values are not operands; a number never names a held file anyway.
    return { files: operands(args).map(resolve), script: null };
  }
  if (program === 'sed' || program === 'perl') {
    if (!args.some((arg) => /^-[a-zA-Z]*i/.test(arg) || arg.startsWith('--in-place'))) return { files: [], script: null };
    const explicit = args.some((arg) => arg === '-e' || arg === '-f' || arg.startsWith('--expression') || arg.startsWith('--file'));
    // Without -e, sed's first operand is its script; perl's -e takes the next word.
    const words2: Word[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === '-e' || arg === '-f') i++;
      else words2.push(arg);
    }
    const files = operands(words2);
    return { files: (explicit ? files : files.slice(1)).map(resolve), script: null };
  }
  if (program === 'dd') {
    return { files: args.filter((arg) => arg.startsWith('of=')).map((arg) => resolve(arg.slice(3))), script: null };
  }
  if (program === 'cp' || program === 'mv' || program === 'install' || program === 'ln') {
    const targetDirAt = args.findIndex((arg) => arg === '-t' || arg.startsWith('--target-directory'));
    const skip = new Set(targetDirAt < 0 ? [] : args[targetDirAt]?.includes('=') ? [targetDirAt] : [targetDirAt, targetDirAt + 1]);
    const ops = operands(args.filter((_, i) => !skip.has(i)));
    let dir: string | null = null;
    let sources = ops;
    if (targetDirAt >= 0) {
      const arg = args[targetDirAt] as string;
      dir = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (args[targetDirAt + 1] ?? null);
    } else if (ops.length >= 2) {
      const target = ops.at(-1) as string;
      sources = ops.slice(0, -1);
      if (!isDirectory(resolve(target))) return { files: [resolve(target), ...(program === 'mv' ? sources.map(resolve) : [])], script: null };
      dir = target;
    }
    if (dir === null) return { files: [], script: null };
    const into = sources.map((source) => resolve(path.join(dir as string, path.basename(source))));
    return { files: [...into, ...(program === 'mv' ? sources.map(resolve) : [])], script: null };
  }
  if (program === 'git') {
    const sub = args.find((arg) => !arg.startsWith('-'));
    if (sub === 'checkout' || sub === 'restore') {
      const dash = args.indexOf('--');
      if (dash >= 0) return { files: args.slice(dash + 1).map(resolve), script: null };
      if (sub === 'restore') return { files: operands(args.slice(args.indexOf(sub) + 1)).map(resolve), script: null };
    }
  }
  return { files: [], script: null };
}

/**
 * The absolute paths `command` (run in `cwd`) writes, creates, moves or deletes, as far as can be
 * read (see above): no duplicates, in order of appearance. Never throws: a line shell-quote cannot
 * read gives what was read before it.
 */
export function shellWriteTargets(command: string, cwd: string, depth = 0): string[] {
  let entries: ParseEntry[];
  try {
    entries = parse(command, (key) => `$${key}`);
  } catch {
    return [];
  }
  const found: string[] = [];
  let dir = cwd;
  let words: Word[] = [];
  const endCommand = (): void => {
    while (words.length && (isAssignment(words[0] as string) || WRAPPERS.has(path.basename(words[0] as string)))) words.shift();
    if (words[0] === 'cd') {
      const to = words[1];
      if (to && !to.startsWith('$') && to !== '-') dir = path.resolve(dir, to);
    } else if (words.length) {
      const { files, script } = commandWrites(words, dir);
      found.push(...files);
      if (script !== null && depth < 3) found.push(...shellWriteTargets(script, dir, depth + 1));
    }
    words = [];
  };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as ParseEntry;
    if (typeof entry === 'string') {
      words.push(entry);
      continue;
    }
    if ('comment' in entry) break;
    const op = 'op' in entry ? entry.op : null;
    if (op !== null && REDIRECT_OUT.has(op)) {
      const target = entries[i + 1];
      if (typeof target === 'string') {
        // `2>` leaves a stray "2" in the words: harmless (it is not a file any rule reads).
        if (!target.startsWith('/dev/')) found.push(path.resolve(dir, target));
        i++;
      }
    } else if (op === '>&') {
      const target = entries[i + 1];
      if (typeof target === 'string') {
        if (!/^\d+$/.test(target) && target !== '-' && !target.startsWith('/dev/')) found.push(path.resolve(dir, target));
        i++;
      }
    } else if (op === '<' || op === '<<' || op === '<<<') {
      i++; // the input file or the here-document's word
    } else if (op !== null && CONTROL.has(op)) {
      endCommand();
    }
  }
  endCommand();
  return [...new Set(found)];
}
