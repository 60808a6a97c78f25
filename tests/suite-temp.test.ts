// The suite's own hygiene: every temp folder of a run lives under one folder that the run removes
// (tests/global-setup.ts). A run that left its folders behind filled the disk CI runs on.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTempFolder } from './global-setup';

describe("the suite's temp folders", () => {
  const saved = process.env.TMPDIR;
  afterEach(() => {
    process.env.TMPDIR = saved;
  });

  it('this test process, its HOME and the processes it starts make their temp folders under the run folder', () => {
    const run = os.tmpdir();
    expect(path.basename(run)).toMatch(/^council-run-\d+-/);
    expect(process.env.HOME!.startsWith(run + path.sep)).toBe(true);
    const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(require("os").tmpdir())'], { encoding: 'utf8' });
    expect(child).toBe(run);
  });

  it("removes its folder at the end, and the folders of runs whose process is gone, but not a live run's", () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'council-base-'));
    process.env.TMPDIR = base;
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const stale = path.join(base, `council-run-${dead}-abcdef`);
    const live = path.join(base, `council-run-${process.ppid}-ghijkl`);
    const other = path.join(base, 'council-home-mnopqr');
    for (const dir of [stale, live, other]) {
      mkdirSync(path.join(dir, 'deep'), { recursive: true });
      writeFileSync(path.join(dir, 'deep', 'f'), 'x');
    }
    const remove = runTempFolder();
    const mine = os.tmpdir();
    expect(path.dirname(mine)).toBe(base);
    expect(path.basename(mine)).toMatch(new RegExp(`^council-run-${process.pid}-`));
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
    writeFileSync(path.join(mine, 'left'), 'x');
    remove();
    expect(existsSync(mine)).toBe(false);
    expect(os.tmpdir()).toBe(base);
  });
});
