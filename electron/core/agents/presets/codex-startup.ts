import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { StartupPrompt } from '../types';

/*
 * What Codex asks before it reads its task, in interactive mode: "Trust this folder?" for a
 * repository it has no trust decision for (a worktree counts as its repository's root, Codex 0.169).
 * Until that is answered the session needs input, not "working" (as for Claude Code,
 * claude-startup.ts). The signal is Codex's own record of the answer, in its config
 * ($CODEX_HOME/config.toml, else ~/.codex/config.toml): `[projects."<folder>"] trust_level = …`,
 * "trusted" or "untrusted" (either way it does not ask again). No screen scraping. Once the
 * question is answered, Codex's hooks report what it does.
 */

/** Codex's config file for this environment. */
export function codexConfigFile(env: Record<string, string | undefined>, userHome: string): string {
  const home = env.CODEX_HOME || path.join(env.HOME || userHome, '.codex');
  return path.join(home, 'config.toml');
}

/**
 * The folders with a trust decision in Codex's config, from the `[projects."<folder>"]` tables
 * Codex writes (a TOML basic or literal string as the key). Other spellings are not read: the
 * session then shows "needs input" until Codex's first hook reports it at work.
 */
export function trustedFolders(toml: string): Set<string> {
  const decided = new Set<string>();
  let current: string | null = null;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*projects\s*\.\s*("(?:[^"\\]|\\.)*"|'[^']*')\s*\]$/.exec(line);
    if (header) {
      const key = header[1] as string;
      try {
        current = key.startsWith('"') ? (JSON.parse(key) as string) : key.slice(1, -1);
      } catch {
        current = null;
      }
      continue;
    }
    if (line.startsWith('[')) {
      current = null;
      continue;
    }
    if (current !== null && /^trust_level\s*=\s*["'](trusted|untrusted)["']/.test(line)) decided.add(current);
  }
  return decided;
}

function realOrSame(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}

/**
 * What Codex will ask first when started in `worktree` of the repository at `repoRoot`, or null
 * when it goes straight to work.
 */
export function codexStartupPrompt(configFile: string, worktree: string, repoRoot: string): StartupPrompt | null {
  const folders = [worktree, repoRoot].flatMap((f) => [path.resolve(f), realOrSame(f)]);
  const pending = (): boolean => {
    let toml: string;
    try {
      toml = readFileSync(configFile, 'utf8');
    } catch {
      return true; // no config yet: a first run asks
    }
    const decided = trustedFolders(toml);
    return !folders.some((f) => decided.has(f));
  };
  if (!pending()) return null;
  return { message: 'Codex asks whether you trust this repository: answer in its terminal', answered: () => !pending() };
}
