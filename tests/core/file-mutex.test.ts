import { existsSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTEX_STALE_MS, withMutex } from '../../electron/core/state/file-mutex';
import { tempDir } from '../helpers/repo';

/**
 * The short cross-process mutex (state/file-mutex.ts). It is a file made with O_CREAT|O_EXCL, not
 * a folder: on ext4 a mkdir + rmdir pair cost ~0.12 ms per lock release, a third of the lock hot
 * path's budget under load (issue 13, item 7). Cross-process behaviour (a SIGKILLed holder) is in
 * tests/cross-process/stale-mutex.test.ts and the lock soak.
 */

const aged = (p: string): void => {
  const old = new Date(Date.now() - MUTEX_STALE_MS - 2000);
  utimesSync(p, old, old);
};

describe('the short cross-process mutex', () => {
  it('is a file while held, and gone afterwards', async () => {
    const file = path.join(tempDir('council-mutex-'), 'state.json');
    const seen = await withMutex(file, () => {
      const st = statSync(`${file}.mutex`);
      return { isFile: st.isFile(), isDirectory: st.isDirectory() };
    });
    expect(seen).toEqual({ isFile: true, isDirectory: false });
    expect(existsSync(`${file}.mutex`)).toBe(false);
  });

  it('waits for a fresh holder, and runs once it lets go', async () => {
    const file = path.join(tempDir('council-mutex-'), 'state.json');
    writeFileSync(`${file}.mutex`, '');
    const t0 = Date.now();
    setTimeout(() => rmSync(`${file}.mutex`), 150);
    expect(await withMutex(file, () => 'ran')).toBe('ran');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('takes over a mutex left by a dead holder once it is stale, whether a file or an older version\'s folder', async () => {
    const dir = tempDir('council-mutex-');
    const asFile = path.join(dir, 'a.json');
    writeFileSync(`${asFile}.mutex`, '');
    aged(`${asFile}.mutex`);
    const asFolder = path.join(dir, 'b.json');
    mkdirSync(`${asFolder}.mutex`);
    aged(`${asFolder}.mutex`);
    const t0 = Date.now();
    expect(await withMutex(asFile, () => 'a')).toBe('a');
    expect(await withMutex(asFolder, () => 'b')).toBe('b');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(existsSync(`${asFile}.mutex`) || existsSync(`${asFolder}.mutex`)).toBe(false);
  });

  it('a holder that stalled past the stale time leaves the mutex of the one that took it over', async () => {
    const file = path.join(tempDir('council-mutex-'), 'state.json');
    const mutex = `${file}.mutex`;
    await withMutex(file, () => {
      // Stalled past MUTEX_STALE_MS: another process took the mutex over (its own file now).
      aged(mutex);
      rmSync(mutex);
      writeFileSync(mutex, '');
    });
    expect(existsSync(mutex)).toBe(true);
  });
});
