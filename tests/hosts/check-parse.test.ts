import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HostNameSchema } from '../../shared/commands/hosts';
import { atLeast, checkScript, parseCheck, parseVersion, problemsOf, tmuxNote } from '../../electron/core/hosts/check';
import { removerScript } from '../../electron/core/hosts/runtime';
import { posixQuote, sshArgs } from '../../electron/core/hosts/ssh';

/**
 * The pure parts of hosts (issue 17): the check's answer read from its lines, versions compared,
 * words quoted for the remote shell, and ssh's argv. The real connection is tests/hosts/hosts.test.ts.
 */

describe('a host check, read and judged', () => {
  it('reads versions as git and node print them, and compares them', () => {
    expect(parseVersion('git version 2.39.5')).toEqual([2, 39, 5]);
    expect(parseVersion('git version 2.38.0.windows.1')).toEqual([2, 38, 0]);
    expect(parseVersion('v20.19.0')).toEqual([20, 19, 0]);
    expect(parseVersion('git version 2.40')).toEqual([2, 40, 0]);
    expect(parseVersion('command not found')).toBeNull();
    expect(atLeast([2, 38, 0], [2, 38, 0])).toBe(true);
    expect(atLeast([2, 37, 9], [2, 38, 0])).toBe(false);
    expect(atLeast([3, 0, 0], [2, 38, 0])).toBe(true);
    expect(atLeast([20, 18, 99], [20, 19, 0])).toBe(false);
  });

  it('finds its own lines among whatever the remote shell printed around them (a motd, an rc file)', () => {
    const out = [
      'Welcome to the build box!',
      'council-check 1',
      'home /home/ci',
      'path /usr/local/bin:/usr/bin:/bin',
      'system Linux x86_64',
      'git-path /usr/bin/git',
      'git-version git version 2.37.1',
      'tmux-path /usr/bin/tmux',
      'tmux-version tmux 2.5',
      'agent claude /home/ci/.local/bin/claude',
      'agent not-ours /x',
      'runtime /home/ci/.council/runtime/0.1.0\t{"council":"runtime","version":"0.1.0","build":"abcd"}',
      'runtime /home/ci/.council/runtime/junk\t{"version":"9"}',
      'council-check-end',
      'bye',
    ].join('\n');
    const check = parseCheck('ci', out, new Date('2026-12-07T00:00:00Z'));
    expect(check).toEqual({
      name: 'ci',
      home: '/home/ci',
      system: 'Linux x86_64',
      path: '/usr/local/bin:/usr/bin:/bin',
      git: { path: '/usr/bin/git', version: '2.37.1', ok: false },
      node: { path: null, version: null, ok: false },
      tmux: { path: '/usr/bin/tmux', version: '2.5.0', ok: false },
      agents: [{ preset: 'claude', binary: 'claude', path: '/home/ci/.local/bin/claude' }],
      runtimes: [{ version: '0.1.0', build: 'abcd', dir: '/home/ci/.council/runtime/0.1.0' }],
      checkedAt: '2026-12-07T00:00:00.000Z',
    });
    // tmux too old: not a problem, a note (an interactive agent there ends with the connection).
    expect(tmuxNote(check)).toBe('tmux on ci is 2.5.0, older than 2.6: an interactive agent there ends when the connection drops (install tmux there, e.g. `sudo apt install tmux`, to keep it running and attach again)');
    expect(tmuxNote({ ...check, tmux: { path: '/usr/bin/tmux', version: '3.3.0', ok: true } })).toBeNull();
    const problems = problemsOf(check);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('git on ci is 2.37.1 (/usr/bin/git); council needs 2.38 or newer');
    expect(problems[1]).toContain('Node.js is not installed on ci');
  });

  it('an answer without its markers is an error naming the host, not an empty check', () => {
    expect(() => parseCheck('ci', 'sh: not found\n')).toThrow(/ci did not answer council's check/);
  });

  it('the check script is valid POSIX sh and answers on this machine', () => {
    const ran = spawnSync('sh', ['-s'], { input: checkScript(), encoding: 'utf8' });
    expect(ran.status).toBe(0);
    const check = parseCheck('here', ran.stdout);
    expect(check.node).toEqual({ path: expect.stringMatching(/node$/), version: process.versions.node, ok: true });
    expect(spawnSync('sh', ['-n'], { input: removerScript(), encoding: 'utf8' }).status).toBe(0);
  });
});

describe('words for the remote shell and ssh argv', () => {
  it('quotes any word so sh reads it back unchanged', () => {
    for (const word of ["it's", '$(id)', '`id`', 'a b\tc', '\\n', '"', "''", '~/x', '*', '-rf', 'line\nbreak']) {
      const echoed = spawnSync('sh', ['-c', `printf %s ${posixQuote(word)}`], { encoding: 'utf8' });
      expect(echoed.stdout).toBe(word);
    }
  });

  it('puts the host after --, with BatchMode and a connect timeout, and -F only when a config is named', () => {
    expect(sshArgs('box', ['sh', '-s'], { env: {} })).toEqual(['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=3', '-T', '--', 'box', 'sh', '-s']);
    expect(sshArgs('box', [], { env: { COUNCIL_SSH_CONFIG: '/t/cfg', COUNCIL_SSH_CONNECT_TIMEOUT: '3' } }).slice(0, 6)).toEqual(['-F', '/t/cfg', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=3']);
  });

  it('refuses SSH names that ssh would read as options or a shell would split', () => {
    for (const bad of ['-oProxyCommand=touch /tmp/x', '-p22', 'a b', 'a;b', 'a$(id)', '', 'a\nb', "a'b"]) expect(HostNameSchema.safeParse(bad).success, bad).toBe(false);
    for (const good of ['build-box', 'me@10.0.0.2', 'ssh://me@box:2222', '[::1]', 'box.example.com', 'gpu_1']) expect(HostNameSchema.safeParse(good).success, good).toBe(true);
  });
});
