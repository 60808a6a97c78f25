import type { RecentRepo, RepoInfo } from '../../../../shared/models';
import { call } from '../../api';
import { navigate } from '../../app/navigation';
import { createStore } from '../../lib/create-store';
import { PREFERENCE_KEYS, readPreference, writePreference } from '../../lib/storage';

/** The open repository, the recent ones, and the state of opening one. */
export interface RepoState {
  current: RepoInfo | null;
  /** A path is being opened (typed, picked, recent, or the last one on start-up). */
  opening: string | null;
  /** Why the last open failed, as the Result said, and for which path. */
  error: { path: string; message: string } | null;
  recent: RecentRepo[];
}

export const repoStore = createStore<RepoState>({ current: null, opening: null, error: null, recent: [] });

export async function openRepo(path: string): Promise<boolean> {
  const trimmed = path.trim();
  if (trimmed === '') {
    repoStore.set((state) => ({ ...state, error: { path, message: 'Type the path of a folder inside a git repository.' } }));
    return false;
  }
  repoStore.set((state) => ({ ...state, opening: trimmed, error: null }));
  const result = await call('repo.open', { path: trimmed });
  if (!result.ok) {
    repoStore.set((state) => ({ ...state, opening: null, error: { path: trimmed, message: result.error.message } }));
    return false;
  }
  writePreference(PREFERENCE_KEYS.lastRepo, result.value.root);
  navigate({ view: 'board' });
  repoStore.set((state) => ({ ...state, opening: null, error: null, current: result.value }));
  return true;
}

/** The desktop app's native folder picker; a cancelled picker changes nothing. */
export async function pickAndOpenRepo(): Promise<void> {
  const result = await call('repo.pickFolder', {});
  if (!result.ok) {
    repoStore.set((state) => ({ ...state, error: { path: '', message: result.error.message } }));
    return;
  }
  if (result.value.path !== null) await openRepo(result.value.path);
}

export async function loadRecentRepos(): Promise<void> {
  const result = await call('repo.recent', {});
  if (result.ok) repoStore.set((state) => ({ ...state, recent: result.value }));
}

/** Back to the open screen ("Switch repository"). The last repository stays remembered. */
export function closeRepo(): void {
  repoStore.set((state) => ({ ...state, current: null, error: null }));
  void loadRecentRepos();
}

/** On start-up: reopen the repository opened last time, if any. */
export async function restoreLastRepo(): Promise<void> {
  const last = readPreference(PREFERENCE_KEYS.lastRepo);
  if (last !== null && last !== '') await openRepo(last);
}
