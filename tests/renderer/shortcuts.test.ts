/**
 * renderer/src/app/shortcuts.ts: the workspace's one-key shortcuts (issue 14, item 1), and which
 * session "next that needs you" and "1–9" pick.
 */
import { describe, expect, it } from 'vitest';
import type { SessionCard } from '../../shared/contract';
import type { ContextStatus } from '../../shared/models';
import { byAttention } from '../../renderer/src/models/attention';
import { isTextInputType, listOrder, nextNeedingYou, shortcutOf, type KeyPress } from '../../renderer/src/models/shortcuts';
import { queueEntry } from '../helpers/queue-entry';

const press = (key: string, patch: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, typing: false, dialogOpen: false, ...patch });

const card = (id: string, status: ContextStatus): SessionCard => ({
  session: { id, task: `task ${id}`, agent: null, branch: `council/t-${id}`, worktreePath: `/w/${id}`, baseBranch: 'main', baseCommit: 'a'.repeat(40), createdAt: '2026-12-06T09:00:00.000Z', state: 'ready' },
  context: { sessionId: id, agent: null, task: `task ${id}`, status, currentFile: null, progress: null, message: null, blockedReason: null, blockedOn: null, updatedAt: '2026-12-06T10:00:00.000Z', history: [], clashes: [], filesLocked: [], stale: false },
});

describe('shortcuts', () => {
  it('are one plain key each', () => {
    expect(shortcutOf(press('n'))).toEqual({ kind: 'new-session' });
    expect(shortcutOf(press('a'))).toEqual({ kind: 'next-attention' });
    expect(shortcutOf(press('?'))).toEqual({ kind: 'help' });
    expect(shortcutOf(press('Escape'))).toEqual({ kind: 'back' });
    expect(shortcutOf(press('1'))).toEqual({ kind: 'jump', index: 0 });
    expect(shortcutOf(press('9'))).toEqual({ kind: 'jump', index: 8 });
    for (const other of ['0', 'N', 'x', 'Enter', 'Tab', 'ArrowDown', 'F6']) expect(shortcutOf(press(other)), other).toBeNull();
  });

  it('never fire while the person types, holds a modifier, or has a dialog open', () => {
    for (const patch of [{ typing: true }, { ctrlKey: true }, { metaKey: true }, { altKey: true }, { dialogOpen: true }]) {
      for (const key of ['n', 'a', '?', 'Escape', '1']) expect(shortcutOf(press(key, patch)), `${key} ${JSON.stringify(patch)}`).toBeNull();
    }
  });

  it('count only text entry as typing: a text field is, a checkbox, radio, button or range is not', () => {
    for (const type of ['text', 'search', 'url', 'email', 'password', 'number', 'tel', 'TEXT']) expect(isTextInputType(type), type).toBe(true);
    for (const type of ['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image', 'hidden']) expect(isTextInputType(type), type).toBe(false);
  });

  it('pick sessions in the list’s order: "a" cycles through those that need you, 1–9 count from the top', () => {
    const cards = [card('aa01', 'working'), card('aa02', 'needs-input'), card('aa03', 'idle'), card('aa04', 'failed'), card('aa05', 'done')];
    const sections = byAttention(cards, [queueEntry('aa03', 'merged')]);
    expect(listOrder(sections)).toEqual(['aa02', 'aa05', 'aa04', 'aa01']); // the merged one is left out
    expect(nextNeedingYou(sections, null)).toBe('aa02');
    expect(nextNeedingYou(sections, 'aa02')).toBe('aa05');
    expect(nextNeedingYou(sections, 'aa04')).toBe('aa02'); // round the list
    expect(nextNeedingYou(sections, 'aa01')).toBe('aa02'); // from a session that needs nothing: the first
    expect(nextNeedingYou(byAttention([card('bb01', 'working')], []), null)).toBeNull();
  });
});
