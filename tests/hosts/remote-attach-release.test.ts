/**
 * Home lets a remote run go (the app closes, issue 17): what the connection still delivers after
 * the release must be neither counted nor lost — the offsets kept for the next home must end
 * exactly at the last line this home wrote to the run's log. A stand-in `ssh` (first on PATH)
 * streams stderr frames as `remote.cjs attach` does and keeps streaming a while after SIGTERM, as a
 * connection whose data is already in flight does.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attachRemote, type Offsets } from '../../electron/core/hosts/remote-attach';

const dir = mkdtempSync(path.join(os.tmpdir(), 'council-attach-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAKE_SSH = `#!/usr/bin/env node
let n = 0;
let stopAt = null;
process.on('SIGTERM', () => { stopAt = Date.now() + 300; });
process.stdin.once('data', () => {
  process.stdout.write(JSON.stringify({ k: 'attached', supervisor: null }) + '\\n');
  const tick = () => {
    for (let i = 0; i < 5; i++) {
      const t = 'line ' + (n + 1);
      n += t.length + 1;
      process.stdout.write(JSON.stringify({ k: 'e', t, n }) + '\\n');
    }
    if (stopAt !== null && Date.now() > stopAt) process.exit(0);
    setTimeout(tick, 2);
  };
  tick();
});
`;

describe('releasing a remote run', () => {
  it('keeps offsets that end at the last line written here (nothing taken after the release)', async () => {
    const bin = path.join(dir, 'bin');
    const ssh = path.join(bin, 'ssh');
    rmSync(bin, { recursive: true, force: true });
    mkdirSync(bin, { recursive: true });
    writeFileSync(ssh, FAKE_SSH);
    chmodSync(ssh, 0o755);
    const logFile = path.join(dir, 'run.log');
    let kept: Offsets = { out: 0, err: 0 };
    const proc = await attachRemote({
      host: 'stand-in',
      connection: () => ({ sshArgs: [] }),
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
      cwd: dir,
      dir: '/nowhere',
      start: null,
      logFile,
      onOffsets: (o) => (kept = o),
      onLink: () => undefined,
    });
    // As the manager shows a remote run's stderr.
    let seen = 0;
    proc.onStderrLine((line) => {
      seen++;
      if (!proc.output.isClosed) proc.output.append(`${line}\r\n`);
    });
    const until = Date.now() + 20_000;
    while (seen < 200 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toBeGreaterThanOrEqual(200);
    await proc.release();
    // The stand-in goes on sending for 300 ms after SIGTERM.
    await new Promise((r) => setTimeout(r, 600));
    const lines = readFileSync(logFile, 'utf8').split('\r\n').filter(Boolean);
    const last = lines[lines.length - 1]!;
    // Each line's offset is the sum of the lengths before it: the kept offset is exactly past the last line written.
    const written = lines.reduce((sum, l) => sum + l.length + 1, 0);
    expect(kept.err, `last line written: ${last}`).toBe(written);
  }, 40_000);
});
