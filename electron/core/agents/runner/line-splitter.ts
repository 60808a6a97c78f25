/**
 * Cuts a text stream into lines for structured-output parsers (one JSON event per line). Lines are
 * passed without their "\n" (or "\r\n"); an unfinished last line is passed by `end()`, so a CLI that
 * dies mid-line still has its last words parsed.
 */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(text: string): void {
    let newline = text.indexOf('\n');
    if (newline === -1) {
      this.partial += text;
      return;
    }
    let line = this.partial + text.slice(0, newline);
    for (;;) {
      this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      const start = newline + 1;
      newline = text.indexOf('\n', start);
      if (newline === -1) {
        this.partial = text.slice(start);
        return;
      }
      line = text.slice(start, newline);
    }
  }

  /** Passes the unfinished last line, if any. */
  end(): void {
    if (this.partial === '') return;
    const line = this.partial;
    this.partial = '';
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
