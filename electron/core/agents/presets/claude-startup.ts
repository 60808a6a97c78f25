import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { StartupPrompt } from '../types';

/*
 * What Claude Code will ask before it reads its task, in interactive mode (issue 12, item 6: the
 * card said "working" while Claude sat at "Do you trust the files in this folder?"). No hook fires
 * before that dialog is answered (checked with Claude Code 2.1 in a PTY: SessionStart and
 * UserPromptSubmit come only after it), so the signal is Claude's own record of the answer: its
 * global config (`$CLAUDE_CONFIG_DIR/.claude.json`, else `~/.claude.json`) keeps
 * `projects[<folder>].hasTrustDialogAccepted`, for the folder or one above it, and
 * `hasCompletedOnboarding` once its first-run setup is done. No screen scraping.
 */

/** Claude Code's global config file for this environment. */
export function claudeConfigFile(env: Record<string, string | undefined>, userHome: string): string {
  const dir = env.CLAUDE_CONFIG_DIR;
  if (dir) return path.join(dir, '.claude.json');
  const home = env.HOME || userHome;
  // Older installs kept it at ~/.claude/.config.json; Claude reads that one when it exists.
  const legacy = path.join(home, '.claude', '.config.json');
  return existsSync(legacy) ? legacy : path.join(home, '.claude.json');
}

interface ClaudeConfig {
  hasCompletedOnboarding?: boolean;
  projects?: Record<string, { hasTrustDialogAccepted?: boolean }>;
}

function readConfig(file: string): ClaudeConfig | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as ClaudeConfig) : null;
  } catch {
    return null; // none yet (a first run), or being rewritten: read again later
  }
}

/** Whether the folder (or one above it) was trusted: Claude asks again for any other. */
export function folderTrusted(config: ClaudeConfig | null, folder: string): boolean {
  const projects = config?.projects ?? {};
  const trustedUp = (start: string): boolean => {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (projects[dir]?.hasTrustDialogAccepted === true) return true;
      if (path.dirname(dir) === dir) return false;
    }
  };
  // Claude records the folder as its process sees it (symbolic links resolved).
  return trustedUp(path.resolve(folder)) || trustedUp(realOrSame(folder));
}

function realOrSame(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}

/**
 * What Claude will ask first in `folder`, or null when it goes straight to work. `bypass`: the
 * user's own arguments skip the trust dialog (`--dangerously-skip-permissions` does).
 */
export function claudeStartupPrompt(configFile: string, folder: string, options: { bypass?: boolean } = {}): StartupPrompt | null {
  if (options.bypass) return null;
  const pending = (): 'onboarding' | 'trust' | null => {
    const config = readConfig(configFile);
    if (config?.hasCompletedOnboarding !== true) return 'onboarding';
    return folderTrusted(config, folder) ? null : 'trust';
  };
  const first = pending();
  if (first === null) return null;
  return {
    message:
      first === 'trust'
        ? 'Claude Code asks whether you trust the files in this folder: answer in its terminal'
        : "Claude Code's first-run setup waits for you: finish it in its terminal",
    answered: () => pending() === null,
  };
}
