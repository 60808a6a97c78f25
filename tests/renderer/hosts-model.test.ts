import { describe, expect, it } from 'vitest';
import type { Host } from '../../shared/commands/hosts';
import { hostLines, removalCannotReach } from '../../renderer/src/models/hosts-model';

const host = (over: Partial<Host['check']> = {}, runtime: Host['runtime'] = { version: '1.2.3', build: 'abcdef0123456789', dir: '/home/me/.council/runtime/1.2.3' }): Host => ({
  name: 'buildbox',
  addedAt: '2026-12-07T05:00:00.000Z',
  runtime,
  check: {
    name: 'buildbox',
    home: '/home/me',
    system: 'Linux x86_64',
    path: '/usr/bin:/bin',
    git: { path: '/usr/bin/git', version: '2.39.5', ok: true },
    node: { path: '/usr/bin/node', version: '20.19.1', ok: true },
    agents: [
      { preset: 'codex', binary: 'codex', path: '/usr/bin/codex' },
      { preset: 'claude', binary: 'claude', path: '/usr/bin/claude' },
      { preset: 'claude-interactive', binary: 'claude', path: '/usr/bin/claude' },
    ],
    runtimes: [],
    checkedAt: '2026-12-07T05:00:00.000Z',
    ...over,
  },
});

describe('what Settings says about a host', () => {
  it('names the system, git and node versions, the agent CLIs once each, and the runtime folder', () => {
    expect(hostLines(host())).toEqual({
      machine: 'Linux x86_64 · git 2.39.5 · node 20.19.1',
      agents: 'Agent CLIs: claude, codex',
      runtime: 'Council 1.2.3 in /home/me/.council/runtime/1.2.3',
    });
  });

  it('says plainly what is missing, too old or unknown', () => {
    const lines = hostLines(host({ system: null, git: { path: null, version: null, ok: false }, node: { path: '/opt/node', version: '18.0.0', ok: false }, agents: [] }, null));
    expect(lines.machine).toBe('unknown system · no git · node 18.0.0 (too old)');
    expect(lines.agents).toBe('No agent CLI found on its PATH');
    expect(lines.runtime).toBe('No council runtime there (add it again to install one)');
  });

  it('offers "forget" only when the removal failed because the host could not be reached', () => {
    for (const problem of ['refused', 'unreachable', 'timeout', 'unknown-name', 'key-refused', 'host-key', 'ssh-failed']) {
      expect(removalCannotReach({ code: 'command-failed', message: 'x', details: { host: 'h', problem } }), problem).toBe(true);
    }
    expect(removalCannotReach({ code: 'command-failed', message: 'ssh is not installed here', details: { problem: 'no-ssh' } })).toBe(false);
    expect(removalCannotReach({ code: 'not-found', message: 'no host named h is kept' })).toBe(false);
  });
});
