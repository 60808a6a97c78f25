import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { AppCore } from '../../electron/core/app/app-core';
import { dispatch } from '../../electron/core/dispatch';
import { isolateGitEnvironment } from '../../tests/helpers/git-env';
import { tempDir } from '../../tests/helpers/repo';
import { argOf, keptFleet, runScript } from './kept-fleet';
import { cpuOver, pct } from './meter';

/**
 * Where the main process's time goes at rest with many sessions (scale-500's "at rest" window,
 * profiled): a fleet made once and kept in --fleet DIR, then the repository watched by an app core
 * as a window keeps it, CPU of the process and its git over consecutive windows, and a CPU profile
 * of the last one (top functions by self time).
 *
 *   npx tsx bench/scale/rest-profile.ts --fleet DIR [--sessions 500] [--files 5000] [--windows 4] [--window-ms 15000] [--from-open]
 *
 * Windows start once the open's background work is done (worktrees watched, first radar compute);
 * --from-open starts them at watch.repo.
 */

async function main(): Promise<void> {
  isolateGitEnvironment();
  const dir = path.resolve(argOf('fleet', path.join(os.tmpdir(), 'council-rest-fleet')));
  const root = await keptFleet(dir, Number(argOf('sessions', '500')), Number(argOf('files', '5000')), 'rest profile');
  process.stderr.write(`fleet ready in ${dir}\n`);
  const core = new AppCore({ userDataDir: tempDir('council-rest-profile-'), host: 'browser', version: '0.0.0-bench' });
  core.addClient('rest', () => true);
  const t0 = performance.now();
  const watched = await dispatch('watch.repo', { repo: root }, core.handlers, { clientId: 'rest' });
  if (!watched.ok) throw new Error(watched.error.message);
  if (!process.argv.includes('--from-open')) {
    await (await core.council(root)).watcher().then((w) => w.settled());
    await (await core.radar(root)).compute();
    process.stderr.write(`worktrees watched and the first radar compute done after ${(performance.now() - t0).toFixed(0)} ms\n`);
  }
  const windows = Number(argOf('windows', '4'));
  const windowMs = Number(argOf('window-ms', '15000'));
  const session = new Session();
  session.connect();
  for (let i = 0; i < windows; i++) {
    const last = i === windows - 1;
    if (last) {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 1000 });
      await session.post('Profiler.start');
    }
    const cpu = await cpuOver(windowMs);
    process.stdout.write(`window ${i + 1} (${((performance.now() - t0) / 1000).toFixed(0)} s after watch.repo): main ${pct(cpu.self)}, git ${pct(cpu.children)}\n`);
    if (last) {
      const { profile } = await session.post('Profiler.stop');
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      const dts = profile.timeDeltas ?? [];
      (profile.samples ?? []).forEach((id, k) => {
        const cf = byId.get(id)?.callFrame;
        const key = cf ? `${cf.functionName || '(anon)'} ${cf.url.replace(/.*\/(node_modules|electron)\//, '$1/')}:${cf.lineNumber + 1}` : '?';
        self.set(key, (self.get(key) ?? 0) + (dts[k] ?? 0) / 1000);
      });
      const top = [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 30);
      process.stdout.write(`top self time over the last window (ms):\n${top.map(([k, v]) => `  ${v.toFixed(0).padStart(6)} ${k}`).join('\n')}\n`);
      writeFileSync(path.join(dir, 'rest.cpuprofile'), JSON.stringify(profile));
    }
  }
  await core.close();
}

runScript(main);
