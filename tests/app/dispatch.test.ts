import { describe, expect, it } from 'vitest';
import { CouncilError } from '../../electron/core/errors';
import { dispatch, dispatchMessage, type HandlerTable } from '../../electron/core/dispatch';

/** A stand-in for a front end's table: app.info answers from fixed values. */
const appHandlers: HandlerTable = { 'app.info': () => ({ version: '0.1.0', platform: 'linux', host: 'electron' }) };

/** A table that also serves sessions.list, so input validation of a command with fields is covered. */
const withSessions: HandlerTable = { ...appHandlers, 'sessions.list': () => [] };

describe('dispatch: good input', () => {
  it('returns the handler value validated against the output schema', async () => {
    await expect(dispatch('app.info', {}, appHandlers)).resolves.toEqual({
      ok: true,
      value: { version: '0.1.0', platform: 'linux', host: 'electron' },
    });
  });

  it('passes the asking client to the handler', async () => {
    const seen: string[] = [];
    const handlers: HandlerTable = {
      'watch.repo': (_input, context) => {
        seen.push(context.clientId);
        return { watching: true };
      },
    };
    await dispatch('watch.repo', { repo: '/r' }, handlers, { clientId: 'window-7' });
    expect(seen).toEqual(['window-7']);
  });

  it('hands the handler the parsed input and returns its value', async () => {
    const seen: unknown[] = [];
    const handlers: HandlerTable = {
      'sessions.list': (input) => {
        seen.push(input);
        return [];
      },
    };
    await expect(dispatch('sessions.list', { repo: '/tmp/repo' }, handlers)).resolves.toEqual({ ok: true, value: [] });
    expect(seen).toEqual([{ repo: '/tmp/repo' }]);
  });

  it('accepts the { command, input } envelope the preload sends', async () => {
    await expect(dispatchMessage({ command: 'app.info', input: {} }, appHandlers)).resolves.toMatchObject({ ok: true });
  });
});

describe('dispatch: malformed input', () => {
  it('names a field of the wrong type', async () => {
    const result = await dispatch('sessions.list', { repo: 42 }, withSessions);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ error: { code: 'invalid-input' } });
    expect(!result.ok && result.error.message).toMatch(/\brepo: expected string/);
  });

  it('lists every bad field in details, not only the first', async () => {
    const result = await dispatch('sessions.list', { repo: 42, extra: true }, withSessions);
    expect(!result.ok && result.error.details).toEqual({
      issues: [
        { path: 'repo', code: 'invalid_type' },
        { path: 'extra', code: 'unrecognized_keys' },
      ],
    });
  });

  it('names a missing field', async () => {
    const result = await dispatch('sessions.list', {}, withSessions);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!result.ok && result.error.message).toMatch(/\brepo: expected string/);
  });

  it('names an unexpected field', async () => {
    const result = await dispatch('app.info', { verbose: true }, appHandlers);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!result.ok && result.error.message).toMatch(/unknown field verbose/);
    expect(!result.ok && result.error.details).toEqual({ issues: [{ path: 'verbose', code: 'unrecognized_keys' }] });
  });

  it('refuses a missing input object', async () => {
    const result = await dispatch('app.info', undefined, appHandlers);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!result.ok && result.error.message).toMatch(/expected object/);
  });

  it('refuses an envelope without a command, naming the field', async () => {
    const result = await dispatchMessage({ input: {} }, appHandlers);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!result.ok && result.error.message).toMatch(/\bcommand: expected string/);
  });

  it('refuses an envelope that is not an object, or carries extra fields', async () => {
    await expect(dispatchMessage('app.info', appHandlers)).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    const extra = await dispatchMessage({ command: 'app.info', input: {}, sender: 'x' }, appHandlers);
    expect(!extra.ok && extra.error.message).toMatch(/unknown field sender/);
  });

  it('never runs the handler when the input is bad', async () => {
    let calls = 0;
    const handlers: HandlerTable = {
      'sessions.list': () => {
        calls += 1;
        return [];
      },
    };
    await dispatch('sessions.list', { repo: '' }, handlers);
    expect(calls).toBe(0);
  });
});

describe('dispatch: unknown commands', () => {
  it('refuses a command that is not in the contract', async () => {
    await expect(dispatch('x', {}, appHandlers)).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: 'unknown command "x"' },
    });
  });

  it('refuses a contract command nobody registered', async () => {
    await expect(dispatch('sessions.list', { repo: '/tmp/repo' }, appHandlers)).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: 'unknown command "sessions.list"' },
    });
  });

  it('does not treat inherited object keys as commands', async () => {
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      await expect(dispatch(name, {}, appHandlers)).resolves.toMatchObject({
        ok: false,
        error: { code: 'invalid-input', message: `unknown command "${name}"` },
      });
    }
  });
});

describe('dispatch: handler failures', () => {
  it("passes through a CouncilError's code", async () => {
    const handlers: HandlerTable = {
      'sessions.list': () => {
        throw new CouncilError('not-a-repo', 'no repository at /nope');
      },
    };
    await expect(dispatch('sessions.list', { repo: '/nope' }, handlers)).resolves.toEqual({
      ok: false,
      error: { code: 'not-a-repo', message: 'no repository at /nope' },
    });
  });

  it('turns any other throw into internal', async () => {
    const handlers: HandlerTable = {
      'sessions.list': async () => {
        throw new Error('boom');
      },
    };
    await expect(dispatch('sessions.list', { repo: '/r' }, handlers)).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
  });

  it('reports a handler result that breaks the output schema as internal', async () => {
    const handlers = { 'app.info': () => ({ version: 1 }) } as unknown as HandlerTable;
    const result = await dispatch('app.info', {}, handlers);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(!result.ok && result.error.message).toMatch(/\bversion: expected string/);
  });
});
