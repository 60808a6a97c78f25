import type { CommandOutput } from '../../../shared/contract';
import { call } from '../api';
import { createStore } from '../lib/create-store';

/** `app.info`: which front end serves the page decides how a repository is opened. */
export type AppInfoState =
  | { status: 'loading' }
  | { status: 'ready'; info: CommandOutput<'app.info'> }
  | { status: 'failed'; message: string };

export const appInfo = createStore<AppInfoState>({ status: 'loading' });

export async function loadAppInfo(): Promise<boolean> {
  appInfo.set({ status: 'loading' });
  const result = await call('app.info', {});
  appInfo.set(result.ok ? { status: 'ready', info: result.value } : { status: 'failed', message: result.error.message });
  return result.ok;
}
