import { describe, expect, it } from 'vitest';
import { messagePreview } from '../../renderer/src/models/message-preview';

const lines = (n: number, width = 10) => Array.from({ length: n }, (_, i) => `line ${String(i + 1).padEnd(width, '.')}`).join('\n');

describe('folding a long message', () => {
  it('shows a short message whole, and one that would hide almost nothing', () => {
    expect(messagePreview('Please rebase on main.')).toBeNull();
    expect(messagePreview(lines(8))).toBeNull();
    expect(messagePreview(lines(10))).toBeNull(); // 2 lines hidden of 10: not worth a fold
  });

  it('folds a long review request at a line end after its first lines, counting what is hidden', () => {
    const text = lines(40);
    const preview = messagePreview(text)!;
    expect(preview.head).toBe(lines(8));
    expect(preview.hiddenLines).toBe(32);
    expect(text.startsWith(preview.head)).toBe(true);
  });

  it('cuts long lines by characters, at a line end when one is near, else with an ellipsis', () => {
    const wide = lines(8, 120); // 8 lines of ~126 characters: more than 600
    const preview = messagePreview(wide)!;
    expect(preview.head.length).toBeLessThanOrEqual(600);
    expect(preview.head.endsWith('…')).toBe(false);
    expect(wide.startsWith(preview.head)).toBe(true);
    expect(preview.hiddenLines).toBe(4);

    const one = 'x'.repeat(2000);
    const cut = messagePreview(one)!;
    expect(cut.head).toBe(`${'x'.repeat(600)}…`);
    expect(cut.hiddenLines).toBe(1);
  });
});
