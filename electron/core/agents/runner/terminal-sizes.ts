/** A terminal's size in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

function isTerminalSize(cols: number, rows: number): boolean {
  return Number.isInteger(cols) && Number.isInteger(rows) && cols >= 2 && rows >= 1 && cols <= 1000 && rows <= 500;
}

/**
 * The terminal size each session's view last asked for, and the last any view asked for: an
 * interactive run starts with it, so the agent's first screen is drawn for the terminal it is
 * shown in (a TUI drawn for another width, then resized, stays garbled until it redraws).
 */
export class TerminalSizes {
  private readonly bySession = new Map<string, TerminalSize>();
  private last: TerminalSize | null = null;

  constructor(private readonly fallback: TerminalSize) {}

  /** Remembers a size a view asked for (ignored when it is no plausible terminal size). */
  note(sessionId: string, cols: number, rows: number): void {
    if (!isTerminalSize(cols, rows)) return;
    this.bySession.set(sessionId, { cols, rows });
    this.last = { cols, rows };
  }

  /** The size a new run of this session starts with. */
  startSize(sessionId: string): TerminalSize {
    return this.bySession.get(sessionId) ?? this.last ?? this.fallback;
  }
}
