import type { HandlerTable } from '../dispatch';
import { agentHandlers } from './agents';
import { compareHandlers } from './compare';
import { contextHandlers } from './context';
import { councilHandlers } from './council';
import { diffHandlers } from './diff';
import { digestHandlers } from './digest';
import type { HandlerDeps } from './deps';
import { hostHandlers } from './hosts';
import { lockHandlers } from './locks';
import { queueHandlers } from './queue';
import { radarHandlers } from './radar';
import { reviewHandlers } from './review';
import { sessionHandlers } from './sessions';
import { sessionActionHandlers } from './session-actions';
import { settingsHandlers } from './settings';

export type { Background, ClientSide, HandlerDeps, Repositories } from './deps';

/**
 * Every repository command's handler, for any face: what the app core serves (with its own app and
 * watch handlers on top), and what the CLI dispatches to.
 */
export function repositoryHandlers(deps: HandlerDeps): HandlerTable {
  return {
    ...settingsHandlers(deps),
    ...sessionHandlers(deps),
    ...sessionActionHandlers(deps),
    ...diffHandlers(deps),
    ...contextHandlers(deps),
    ...agentHandlers(deps),
    ...compareHandlers(deps),
    ...radarHandlers(deps),
    ...queueHandlers(deps),
    ...reviewHandlers(deps),
    ...councilHandlers(deps),
    ...digestHandlers(deps),
    ...hostHandlers(),
    ...lockHandlers((repo) => deps.repos.open(repo)),
  };
}
