import type { ReactNode } from 'react';
import type { DiffFile } from '../../../../shared/commands/diff';

/** What other screens plug into the review diff, and how a file's body reads more from the core. */

export interface LineSelection {
  path: string;
  side: 'old' | 'new';
  startLine: number;
  endLine: number;
  text: string;
}

export interface LineWidget {
  path: string;
  side: 'old' | 'new';
  line: number;
  element: ReactNode;
}

/** What other screens may plug into the diff (comments, review actions): all optional. */
export interface DiffSlots {
  onSelectLines?: (selection: LineSelection) => void;
  widgets?: readonly LineWidget[];
  renderFileActions?: (file: DiffFile) => ReactNode;
  renderHunkActions?: (file: DiffFile, hunkHeader: string, hunkPatch: string) => ReactNode;
}

export interface SectionIo {
  loadFile: (path: string) => Promise<string | null>;
  fetchLines: (path: string, side: 'old' | 'new') => Promise<{ ok: true; lines: string[] } | { ok: false; error: string }>;
  fetchBlob: (path: string, side: 'old' | 'new') => Promise<{ size: number | null; mime: string | null; data: string | null } | null>;
}
