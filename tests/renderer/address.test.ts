/**
 * renderer/src/app/address.ts: every screen of an open repository has an address, and an address
 * names a screen or nothing (issue 14, item 1: deep links, Back and reload).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressOf, placeOf, SESSION_TABS, type Place } from '../../renderer/src/app/address';
import type { Route } from '../../renderer/src/app/navigation';

const id = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 16 });
const route: fc.Arbitrary<Route> = fc.oneof(
  fc.constantFrom<Route>({ view: 'board' }, { view: 'locks' }, { view: 'settings' }, { view: 'messages' }),
  fc.record({ view: fc.constantFrom('radar' as const, 'queue' as const), focus: fc.option(id, { nil: null }) }),
  fc.record({ view: fc.constant('session' as const), sessionId: id, tab: fc.constantFrom(...SESSION_TABS) }),
  fc.record({ view: fc.constant('compare' as const), ids: fc.array(id, { minLength: 2, maxLength: 4 }) }),
);
/** Repository paths with everything a URL treats specially: spaces, #, ?, &, =, %, +, unicode. */
const repo = fc.oneof(
  fc.constantFrom('/home/me/project', '/tmp/a b/c#d?e=f&g%20+', 'C:\\Users\\me\\proj', '/srv/проект/日本'),
  fc.string({ minLength: 1 }).map((s) => `/${s}`),
);

describe('screen addresses', () => {
  it('name every screen of every repository, and read back as the same place', () => {
    fc.assert(
      fc.property(repo, route, (root, r) => {
        const place: Place = { repo: root, route: r };
        const address = addressOf(place);
        expect(address.startsWith('#/')).toBe(true);
        expect(placeOf(address)).toEqual(place);
      }),
      { numRuns: 2000, seed: 14 },
    );
  });

  it('read as people see them', () => {
    expect(addressOf({ repo: '/home/me/app', route: { view: 'session', sessionId: '3f2a1b', tab: 'diff' } })).toBe('#/session/3f2a1b/diff?repo=%2Fhome%2Fme%2Fapp');
    expect(addressOf({ repo: '/r', route: { view: 'radar', focus: null } })).toBe('#/radar?repo=%2Fr');
    expect(addressOf({ repo: '/r', route: { view: 'compare', ids: ['aa11', 'bb22'] } })).toBe('#/compare/aa11,bb22?repo=%2Fr');
    // a path no URL can hold as it is (a lone UTF-16 surrogate) still gets an address, never a throw
    expect(placeOf(addressOf({ repo: '/a\ud800b', route: { view: 'board' } }))).toEqual({ repo: '/a\ufffdb', route: { view: 'board' } });
  });

  it("name the diff's view and the file to land on, and read them back", () => {
    const sha = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 4, maxLength: 64 });
    const view = fc.oneof(
      fc.constant({ kind: 'uncommitted' as const }),
      fc.constant({ kind: 'commit' as const }),
      sha.map((s) => ({ kind: 'commit' as const, sha: s })),
      sha.map((s) => ({ kind: 'since' as const, from: s })),
    );
    const diff = fc.oneof(
      fc.record({ view, file: fc.string({ minLength: 1 }) }),
      fc.record({ view }),
      fc.record({ file: fc.string({ minLength: 1 }) }),
    );
    fc.assert(
      fc.property(repo, id, diff, (root, sessionId, d) => {
        const place: Place = { repo: root, route: { view: 'session', sessionId, tab: 'diff', diff: d } };
        expect(placeOf(addressOf(place))).toEqual(place);
      }),
      { numRuns: 2000, seed: 14 },
    );
    expect(addressOf({ repo: '/r', route: { view: 'session', sessionId: '3f2a1b', tab: 'diff', diff: { view: { kind: 'commit', sha: '9c1e2f' }, file: 'src/a b&c.ts' } } })).toBe(
      '#/session/3f2a1b/diff?repo=%2Fr&view=commit&sha=9c1e2f&file=src%2Fa%20b%26c.ts',
    );
    // all changes is the diff's own default: no parameter, the same address as before
    expect(addressOf({ repo: '/r', route: { view: 'session', sessionId: '3f2a1b', tab: 'diff', diff: { view: { kind: 'base' } } } })).toBe('#/session/3f2a1b/diff?repo=%2Fr');
    // only the diff tab has them: another tab ignores them
    expect(placeOf('#/session/3f2a1b/locks?repo=%2Fr&view=commit&sha=9c1e2f')).toEqual({ repo: '/r', route: { view: 'session', sessionId: '3f2a1b', tab: 'locks' } });
  });

  it('name nothing when malformed or foreign, so the app starts as it would without one', () => {
    for (const hash of [
      '',
      '#',
      '#/',
      '#section-2',
      '#/board',
      '#/board?repo=',
      '#/boards?repo=%2Fr',
      '#/board/extra?repo=%2Fr',
      '#/session/3f2a1b?repo=%2Fr',
      '#/session/3f2a1b/console?repo=%2Fr',
      '#/session/NOT-AN-ID/diff?repo=%2Fr',
      '#/session/3f2a1b/diff/more?repo=%2Fr',
      '#/session/%E0%A4%A/diff?repo=%2Fr',
      '#/radar/x%2F..%2F..?repo=%2Fr',
      '#/compare/aa11?repo=%2Fr',
      '#/compare/aa11,../x?repo=%2Fr',
      '#/__proto__?repo=%2Fr',
      '#/constructor?repo=%2Fr',
      // the diff's view: a known kind, its commit as hex, and only the field it takes
      '#/session/3f2a1b/diff?repo=%2Fr&view=everything',
      '#/session/3f2a1b/diff?repo=%2Fr&view=base',
      '#/session/3f2a1b/diff?repo=%2Fr&view=commit&sha=HEAD~1',
      '#/session/3f2a1b/diff?repo=%2Fr&view=since',
      '#/session/3f2a1b/diff?repo=%2Fr&view=uncommitted&sha=9c1e2f',
      '#/session/3f2a1b/diff?repo=%2Fr&sha=9c1e2f',
    ]) {
      expect(placeOf(hash), hash).toBeNull();
    }
  });
});
