import { describe, expect, it } from 'vitest';
import type { AgentPresetInfo } from '../../shared/agents';
import type { Host } from '../../shared/commands/hosts';
import { AGENT_BINARIES } from '../../electron/core/hosts/check';
import { HOST_CHECKED_BINARIES, presetsOnHost } from '../../renderer/src/models/host-presets';

const preset = (id: AgentPresetInfo['id'], available: boolean, binary: string = id): AgentPresetInfo => ({
  id,
  label: id,
  binary,
  path: available ? `/here/${binary}` : null,
  version: available ? '1.0.0' : null,
  available,
  problem: available ? null : `${id} is not on this machine`,
  warning: null,
  locks: 'enforced',
  modes: ['interactive', 'headless'],
  noMcp: null,
});

const host: Host = {
  name: 'buildbox',
  addedAt: '2026-12-07T05:00:00.000Z',
  runtime: null,
  check: {
    name: 'buildbox',
    home: '/home/me',
    system: 'Linux x86_64',
    path: '/usr/bin:/bin',
    git: { path: '/usr/bin/git', version: '2.39.5', ok: true },
    node: { path: '/usr/bin/node', version: '20.19.1', ok: true },
    agents: [{ preset: 'codex', binary: 'codex', path: '/opt/bin/codex' }],
    runtimes: [],
    checkedAt: '2026-12-07T06:00:00.000Z',
  },
};

describe('presets on a host (the new-session dialog with a host chosen)', () => {
  it("follows the host's last check, not this machine's detection; the settings' path runs there when the check found nothing", () => {
    const here = [preset('claude', true), preset('codex', false), preset('gemini', false), preset('custom', true, 'my-agent')];
    const [claude, codex, gemini, custom] = presetsOnHost(here, host, { gemini: '/srv/gemini' });
    // Found here, not on the host: unavailable there, saying what to do.
    expect(claude!.preset).toMatchObject({ available: false, path: null, version: null });
    expect(claude!.status).toBe('not on buildbox: its last check found no claude on the PATH an ssh command gets there. Install it on buildbox, then check the host again (Settings → Machines)');
    // Missing here, found on the host: available, at the host's path.
    expect(codex!.preset).toMatchObject({ available: true, path: '/opt/bin/codex', problem: null, version: null });
    expect(codex!.status).toBe('/opt/bin/codex on buildbox');
    expect(gemini!.preset).toMatchObject({ available: true, path: '/srv/gemini' });
    expect(gemini!.status).toContain('the program path in Settings');
    expect(custom!.preset.available).toBe(true);
    expect(custom!.status).toBe("not checked on buildbox: its program must be on that machine's PATH");
  });

  it('knows the programs the host check looks for (the core list)', () => {
    expect([...HOST_CHECKED_BINARIES].sort()).toEqual(AGENT_BINARIES.map((a) => a.binary).sort());
  });
});
