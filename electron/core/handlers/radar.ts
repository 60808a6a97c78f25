import type { HandlerTable } from '../dispatch';
import { RadarService } from '../radar/radar';
import type { HandlerDeps } from './deps';

/** The conflict radar: the repository's live one, or once against a named base branch. */

export function radarHandlers({ repos }: HandlerDeps) {
  return {
    'radar.get': async ({ repo, base }) => {
      const council = await repos.open(repo);
      return base === undefined ? (await council.radar()).compute() : new RadarService(council, { baseBranch: base }).compute();
    },
    'radar.fileDetail': async ({ repo, path, a, b }) => (await (await repos.open(repo)).radar()).service.fileDetail(path, a, b),
  } satisfies HandlerTable;
}
