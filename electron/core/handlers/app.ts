import path from 'node:path';
import type { RepoInfo } from '../../../shared/models';
import type { RecentRepos } from '../app/recent';
import type { HandlerTable } from '../dispatch';
import { invalidInput } from '../errors';
import { currentBranch } from '../git/refs';
import type { HandlerDeps } from './deps';

/** The app itself and which repository it works on (the app's and the browser host's faces). */

export interface AppSide {
  version: string;
  host: 'electron' | 'browser';
  recent: RecentRepos;
  /** The native folder picker; only the desktop app has one. */
  pickFolder?: () => Promise<string | null>;
}

export function appHandlers({ repos }: HandlerDeps, app: AppSide) {
  return {
    'app.info': () => ({ version: app.version, platform: process.platform, host: app.host }),
    'repo.open': async ({ path: p }) => {
      const council = await repos.open(p);
      const info: RepoInfo = { root: council.root, name: path.basename(council.root), branch: currentBranch(council.ws.repo.commonDir) };
      await app.recent.add(info.root, info.name);
      return info;
    },
    'repo.recent': () => app.recent.list(),
    'repo.pickFolder': async () => {
      if (!app.pickFolder) throw invalidInput('there is no folder picker in the browser: type the repository path instead');
      return { path: await app.pickFolder() };
    },
  } satisfies HandlerTable;
}
