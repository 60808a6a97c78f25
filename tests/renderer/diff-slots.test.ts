/**
 * The review diff's slots for other screens (comments, reviewer actions): file actions, hunk actions
 * (with the hunk's own patch) and line widgets render where they belong; the line "+" affordance is
 * only there when a selection handler is given. Server-rendered (no DOM here): the first files
 * render at once, so their hunks are in the markup.
 */
import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { DiffFile } from '../../shared/commands/diff';
import { ReviewDiff } from '../../renderer/src/features/diff/ReviewDiff';

const OLD = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
const patch = [
  'diff --git a/src/a.ts b/src/a.ts',
  'index 1111111..2222222 100644',
  '--- a/src/a.ts',
  '+++ b/src/a.ts',
  '@@ -1,3 +1,3 @@',
  ' line 1',
  '-line 2',
  '+line two',
  ' line 3',
  '@@ -20,3 +20,4 @@',
  ' line 20',
  '+line 20.5',
  ' line 21',
  ' line 22',
  '',
].join('\n');

const file: DiffFile = { path: 'src/a.ts', origPath: null, kind: 'modified', insertions: 2, deletions: 1, binary: false, patch, size: patch.length, tooLarge: false, hash: 'h', image: null };
const io = { loadFile: async () => null, fetchLines: async () => ({ ok: true as const, lines: OLD }), fetchBlob: async () => null };

function render(slots: Record<string, unknown>): string {
  return renderToStaticMarkup(createElement(ReviewDiff, { files: [file], mode: 'unified', viewed: {}, onToggleViewed: () => {}, io, ...slots }));
}

describe('review diff slots', () => {
  it('renders file actions, hunk actions with each hunk’s patch, and widgets under their line', () => {
    const seen: { header: string; hunkPatch: string }[] = [];
    const html = render({
      renderFileActions: (f: DiffFile): ReactNode => createElement('button', { 'data-testid': 'file-action' }, `discard ${f.path}`),
      renderHunkActions: (_f: DiffFile, header: string, hunkPatch: string): ReactNode => {
        seen.push({ header, hunkPatch });
        return createElement('span', { 'data-testid': 'hunk-action' }, `hunk ${header}`);
      },
      widgets: [
        { path: 'src/a.ts', side: 'new', line: 21, element: createElement('div', { 'data-testid': 'widget' }, 'a comment on line 21') },
        { path: 'other.ts', side: 'new', line: 1, element: createElement('div', null, 'not this file') },
      ],
    });
    expect(html).toContain('discard src/a.ts');
    expect(seen.map((s) => s.header)).toEqual(['@@ -1,3 +1,3 @@', '@@ -20,3 +20,4 @@']);
    expect(seen[0]?.hunkPatch).toBe('@@ -1,3 +1,3 @@\n line 1\n-line 2\n+line two\n line 3\n');
    expect(html.match(/data-testid="hunk-action"/g)).toHaveLength(2);
    expect(html).toContain('a comment on line 21');
    expect(html).not.toContain('not this file');
    // The widget sits right after the new side's line 21 (the inserted "line 20.5"), before line 22.
    expect(html.indexOf('a comment on line 21')).toBeGreaterThan(html.indexOf('>line 20.5<'));
    expect(html.indexOf('a comment on line 21')).toBeLessThan(html.indexOf('>line 21<'));
  });

  it('without slots: no actions, no widgets; the hidden lines between hunks can be shown', () => {
    const html = render({});
    expect(html).not.toContain("data-testid=\"hunk-action\"");
    expect(html).toContain('16 hidden lines');
    expect(html).toContain('data-testid="diff-expand-all-src/a.ts"');
  });
});
