import { describe, expect, it } from 'vitest';
import { StatusNotifier, type Notice } from '../../electron/core/app/status-notifier';

describe('status notices', () => {
  it('announces a change into done, failed, blocked or needs-input — not idle, not the first status seen, not repeats', () => {
    const notices: Notice[] = [];
    const notifier = new StatusNotifier((n) => notices.push(n));
    const s = (status: 'working' | 'done' | 'failed' | 'blocked' | 'needs-input' | 'idle', message: string | null = null) => ({ id: 'abc123', task: 'add auth', status, message });
    notifier.observe('/r', s('done')); // first sight: remembered, not announced
    notifier.observe('/r', s('working'));
    notifier.observe('/r', s('done', 'all tests pass'));
    notifier.observe('/r', s('done'));
    notifier.observe('/r', s('blocked'));
    notifier.observe('/r', s('needs-input', 'Claude needs your permission to use Bash'));
    notifier.observe('/r', s('idle', 'agent stopped by the user'));
    notifier.observe('/r', s('failed', 'model server unreachable'));
    expect(notices.map((n) => [n.title, n.body])).toEqual([
      ['Session abc123 is done', 'add auth — all tests pass'],
      ['Session abc123 is blocked', 'add auth'],
      ['Session abc123 needs your input', 'add auth — Claude needs your permission to use Bash'],
      ['Session abc123 failed', 'add auth — model server unreachable'],
    ]);
  });
});

describe('the app core notifies about watched repositories', () => {
  it('a session marked done from another process becomes a notice', async () => {
    const { AppCore } = await import('../../electron/core/app/app-core');
    const { dispatch } = await import('../../electron/core/dispatch');
    const { makeRepo, tempDir } = await import('../helpers/repo');
    const { council: cli } = await import('../helpers/cli');
    const repo = makeRepo();
    const notices: Notice[] = [];
    const core = new AppCore({ userDataDir: tempDir(), host: 'electron', version: '1', notify: (n) => notices.push(n) });
    core.addClient('w1', () => true);
    try {
      const created = await dispatch('sessions.create', { repo: repo.root, task: 'notify me' }, core.handlers, { clientId: 'w1' });
      if (!created.ok) throw new Error(created.error.message);
      const id = (created.value as { id: string }[])[0]!.id;
      expect(await dispatch('watch.repo', { repo: repo.root }, core.handlers, { clientId: 'w1' })).toEqual({ ok: true, value: { watching: true } });
      expect(cli(['context', 'update', '--session', id, '--status', 'done', '--message', 'merged'], { cwd: repo.root }).code).toBe(0);
      const end = Date.now() + 5000;
      while (notices.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(notices).toEqual([{ repo: repo.root, sessionId: id, title: `Session ${id} is done`, body: 'notify me — merged' }]);
    } finally {
      await core.close();
    }
  });
});
