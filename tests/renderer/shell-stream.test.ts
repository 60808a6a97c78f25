/**
 * The shell tab without a page: start + attach (the scrollback), output in order (an event already
 * shown skipped, a gap attaches again, another shell's ignored), the exit, a new shell, keystrokes
 * only while it runs, detach on stop.
 */
import { describe, expect, it } from 'vitest';
import type { CommandInput, CommandName, CommandOutput, EventPayload } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import type { ShellInfo } from '../../shared/shells';
import { createShellStream } from '../../renderer/src/features/terminal/shell-stream';
import type { CouncilApi } from '../../renderer/src/env';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const shell = (id: string): ShellInfo => ({ id, sessionId: 's1', pid: 42, program: '/bin/bash', cwd: '/w', startedAt: '2026-01-01T00:00:00Z' });
const out = (shellId: string, seq: number, data: string): EventPayload<'shell.output'> => ({ repo: '/r', sessionId: 's1', shellId, seq, data });

function harness() {
  const calls: { command: CommandName; input: unknown; resolve: (result: Result<unknown>) => void }[] = [];
  const screen: string[] = [];
  const invoke = (<C extends CommandName>(command: C, input: CommandInput<C>) =>
    new Promise<Result<CommandOutput<C>>>((resolve) => calls.push({ command, input, resolve: resolve as (r: Result<unknown>) => void }))) as CouncilApi['invoke'];
  const stream = createShellStream('/r', 's1', {
    invoke,
    sink: { reset: () => screen.push('<reset>'), write: (data) => screen.push(data), note: (text) => screen.push(`<note ${text}>`) },
    setTimeout: () => 0,
    clearTimeout: () => undefined,
    size: () => ({ cols: 100, rows: 30 }),
  });
  const answer = async (command: CommandName, value: unknown) => {
    const call = calls.find((c) => c.command === command);
    if (!call) throw new Error(`no ${command} call; calls: ${calls.map((c) => c.command).join(', ')}`);
    calls.splice(calls.indexOf(call), 1);
    call.resolve({ ok: true, value });
    await settle();
  };
  return { calls, screen, stream, answer };
}

describe('the shell stream', () => {
  it('starts the shell at the screen size, shows its scrollback, then its output in order', async () => {
    const h = harness();
    void h.stream.open();
    expect(h.calls[0]).toMatchObject({ command: 'shell.start', input: { repo: '/r', id: 's1', cols: 100, rows: 30 } });
    await h.answer('shell.start', shell('a'));
    await h.answer('shell.attach', { shell: shell('a'), seq: 2, data: '$ ' });
    expect(h.stream.store.get()).toMatchObject({ status: 'running', seq: 2, shell: { id: 'a' } });
    h.stream.handleOutput(out('a', 2, 'old'));
    h.stream.handleOutput(out('a', 3, 'pwd\r\n/w\r\n'));
    h.stream.handleOutput(out('b', 4, 'another shell'));
    expect(h.screen).toEqual(['<reset>', '$ ', 'pwd\r\n/w\r\n']);
    // a gap: attach again (no new start)
    h.stream.handleOutput(out('a', 5, 'lost one'));
    await settle();
    expect(h.calls.map((c) => c.command)).toEqual(['shell.attach']);
  });

  it('says when the shell ended; keys go nowhere then; a new shell starts afresh', async () => {
    const h = harness();
    void h.stream.open();
    await h.answer('shell.start', shell('a'));
    await h.answer('shell.attach', { shell: shell('a'), seq: 0, data: '' });
    h.stream.input('ls\r');
    expect(h.calls.map((c) => c.command)).toEqual(['shell.input']);
    await h.answer('shell.input', { written: true });
    h.stream.handleExit({ repo: '/r', sessionId: 's1', shellId: 'a', code: 0, signal: null });
    expect(h.stream.store.get().status).toBe('exited');
    expect(h.screen.at(-1)).toBe('<note ── the shell exited (code 0) ──>');
    h.stream.input('ignored');
    expect(h.calls).toEqual([]);
    void h.stream.restart();
    await h.answer('shell.start', shell('b'));
    await h.answer('shell.attach', { shell: shell('b'), seq: 0, data: '' });
    expect(h.stream.store.get()).toMatchObject({ status: 'running', shell: { id: 'b' }, exit: null });
    h.stream.stop();
    expect(h.calls.map((c) => c.command)).toEqual(['shell.detach']);
  });

  it('shows why the shell could not start', async () => {
    const h = harness();
    void h.stream.open();
    const call = h.calls[0]!;
    call.resolve({ ok: false, error: { code: 'not-found', message: 'no session abc' } } as Result<unknown>);
    await settle();
    expect(h.stream.store.get()).toMatchObject({ status: 'error', error: 'no session abc' });
  });
});
