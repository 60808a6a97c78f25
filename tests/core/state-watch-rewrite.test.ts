import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { statePaths } from '../../electron/core/state/paths';
import { watchState } from '../../electron/core/state/watch';

/**
 * A state file written again (by rename, as every writer does) 35 ms after a change was reported:
 * chokidar reports no second change then, so a reader that re-read at the first report kept the
 * older state for good — the app's unread count stayed at 1 after the message was read. The watch
 * looks at the files again after telling a change, and tells it once more when they differ.
 */
describe('the shared-state watch', () => {
  it('tells a change after the last write, however soon it followed the one reported', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'council-watch-'));
    const paths = statePaths({ commonDir: root, mainRoot: root } as never);
    const told: number[] = [];
    const stop = await watchState(paths, (changes) => {
      if (changes.some((c) => c.kind === 'messages')) told.push(performance.now());
    });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(paths.dir, { recursive: true });
    const put = (text: string) => {
      writeFileSync(`${paths.messages}.x.tmp`, text);
      renameSync(`${paths.messages}.x.tmp`, paths.messages);
    };
    try {
      let stale = 0;
      for (let i = 0; i < 6; i++) {
        put(`first ${i}`);
        await new Promise((resolve) => setTimeout(resolve, 35));
        put(`second, longer ${i}`);
        const secondAt = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (!told.some((at) => at > secondAt)) stale++;
      }
      expect(stale).toBe(0);
    } finally {
      await stop();
    }
  }, 30_000);
});
