import { describe, expect, it } from 'vitest';
import { sendEvent } from '../../electron/main/events';

function target(destroyed: boolean) {
  const sent: unknown[][] = [];
  return { sent, isDestroyed: () => destroyed, send: (...args: unknown[]) => void sent.push(args) };
}

describe('sendEvent', () => {
  it('sends a valid payload on the event channel', () => {
    const contents = target(false);
    expect(sendEvent(contents, 'state.changed', { repo: '/r', kind: 'locks' })).toBe(true);
    expect(contents.sent).toEqual([['council:event:state.changed', { repo: '/r', kind: 'locks' }]]);
  });

  it('skips a destroyed window', () => {
    const contents = target(true);
    expect(sendEvent(contents, 'state.changed', { repo: '/r', kind: 'locks' })).toBe(false);
    expect(contents.sent).toEqual([]);
  });

  it('refuses a payload the contract does not allow', () => {
    const contents = target(false);
    const bad = { repo: '/r', kind: 'everything' } as unknown as { repo: string; kind: 'locks' };
    expect(() => sendEvent(contents, 'state.changed', bad)).toThrow();
    expect(contents.sent).toEqual([]);
  });
});
