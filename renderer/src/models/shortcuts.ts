import type { AttentionSection } from './attention';

/**
 * The workspace's keyboard shortcuts (issue 14, item 1), one key each, never while the person types
 * (a field, the terminal) or holds a modifier (Ctrl/Cmd/Alt belong to the browser, the menu and the
 * terminal), and never under an open dialog (it has its own keys: Escape closes it).
 */
export type Shortcut = { kind: 'new-session' } | { kind: 'next-attention' } | { kind: 'jump'; index: number } | { kind: 'help' } | { kind: 'back' };

/** The keys, as the help lists them. */
export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: 'n', what: 'New session' },
  { keys: 'a', what: 'Next session that needs you (needs input, parked, ready for review, failed)' },
  { keys: '1 – 9', what: 'Open the session at that place in the list, attention first' },
  { keys: 'Esc', what: 'Back to the board (closes a dialog first)' },
  { keys: '?', what: 'These shortcuts' },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The key went to a text field, a select, an editable element or the terminal. */
  typing: boolean;
  /** A modal dialog is open. */
  dialogOpen: boolean;
}

/**
 * The input types that take typed characters (as the browser reports `input.type`: a missing or
 * unknown type is "text"). A key pressed in one of them is typing; in a checkbox, a radio, a button,
 * a range or a colour it is not, so the shortcuts keep working after one is clicked.
 */
const TEXT_INPUT_TYPES = new Set(['text', 'search', 'url', 'email', 'password', 'number', 'tel', 'date', 'datetime-local', 'month', 'time', 'week']);

/** Whether an `<input>` of this type takes typed text. */
export function isTextInputType(type: string): boolean {
  return TEXT_INPUT_TYPES.has(type.toLowerCase());
}

/** Which shortcut a key press is; null for every other press (left to the page). */
export function shortcutOf(press: KeyPress): Shortcut | null {
  if (press.ctrlKey || press.metaKey || press.altKey || press.typing || press.dialogOpen) return null;
  if (press.key === 'n') return { kind: 'new-session' };
  if (press.key === 'a') return { kind: 'next-attention' };
  if (press.key === '?') return { kind: 'help' };
  if (press.key === 'Escape') return { kind: 'back' };
  if (/^[1-9]$/.test(press.key)) return { kind: 'jump', index: Number(press.key) - 1 };
  return null;
}

/** Sessions in list order (attention first), merged ones left out. */
export function listOrder(sections: readonly AttentionSection[]): string[] {
  return sections.filter((s) => s.group !== 'archived').flatMap((s) => s.cards.map((c) => c.session.id));
}

/** The next session needing the person after `current` (round the list), or null when none does. */
export function nextNeedingYou(sections: readonly AttentionSection[], current: string | null): string | null {
  const waiting = sections.filter((s) => s.needsYou).flatMap((s) => s.cards.map((c) => c.session.id));
  if (waiting.length === 0) return null;
  const at = current === null ? -1 : waiting.indexOf(current);
  return waiting[(at + 1) % waiting.length] ?? null;
}

