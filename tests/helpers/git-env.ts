import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Isolates git and HOME for a test process: a fresh HOME (so session worktrees land in a temp
 * folder), a global git config with a known identity, and no system config. Child processes
 * (the CLI, workers) inherit it through process.env.
 */
export function isolateGitEnvironment(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'council-home-'));
  mkdirSync(home, { recursive: true });
  const config = path.join(home, '.gitconfig');
  writeFileSync(
    config,
    ['[user]', '\tname = Council Test', '\temail = test@council.invalid', '[init]', '\tdefaultBranch = main', '[commit]', '\tgpgsign = false', ''].join('\n'),
  );
  process.env.HOME = home;
  process.env.USERPROFILE = home;
  process.env.GIT_CONFIG_GLOBAL = config;
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  delete process.env.COUNCIL_WORKTREE_ROOT;
  // The user settings then live under this HOME (~/.config/cli-council/settings.json), never the
  // real user's.
  delete process.env.COUNCIL_USER_SETTINGS;
  delete process.env.XDG_CONFIG_HOME;
  // Agent CLIs' versions kept across runs (presets/version-cache.ts): under this HOME's ~/.cache.
  delete process.env.COUNCIL_VERSION_CACHE;
  delete process.env.XDG_CACHE_HOME;
  // Hosts (issue 17): the user's hosts file under this HOME too, and ssh's own config unless a test names one.
  delete process.env.COUNCIL_HOSTS_FILE;
  delete process.env.COUNCIL_SSH_CONFIG;
  delete process.env.COUNCIL_SESSION_ID;
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('GIT_') && !['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM'].includes(key)) delete process.env[key];
  }
  return home;
}
