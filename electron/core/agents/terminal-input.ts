/**
 * What is typed into an interactive agent's terminal, and how: a follow-up is pasted the way a
 * terminal pastes when the program turned bracketed paste on (ESC[?2004h, tracked from its output
 * as a terminal tracks it), typed as keys otherwise, then submitted with Enter a moment later.
 */

const PASTE_ON = '\x1b[?2004h';
const PASTE_OFF = '\x1b[?2004l';

/** Whether bracketed paste is on after `text` (its last switch wins), or `was` when it has none. */
export function bracketedPasteAfter(text: string, was: boolean): boolean {
  const on = text.lastIndexOf(PASTE_ON);
  const off = text.lastIndexOf(PASTE_OFF);
  return on === off ? was : on > off;
}

/** Follows a program's output for its bracketed-paste switch; a switch split across two chunks counts. */
export class PasteTracker {
  on = false;
  private tail = '';

  feed(chunk: string): void {
    const text = this.tail + chunk;
    this.on = bracketedPasteAfter(text, this.on);
    this.tail = text.slice(-(PASTE_ON.length - 1));
  }
}

/** The follow-up's keys: wrapped as a paste when the program asked for it (a new line stays in its prompt). */
export function followUpKeys(text: string, paste: boolean): string {
  return paste ? `\x1b[200~${text}\x1b[201~` : text;
}

/** Between a follow-up's text and the Enter that submits it: a TUI that takes a burst of input as a
 * paste would otherwise take the Enter as part of it (a new line in its prompt, not a submit).
 * A program that asked for bracketed paste gets the text as a paste, so no guessing is left to it
 * (seen with Codex under load: the text and the Enter read as one burst, the Enter became part of
 * the prompt and the follow-up was never submitted). */
export const SUBMIT_AFTER_MS = 80;
