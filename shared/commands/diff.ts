import * as z from 'zod/mini';
import { ChangedFileSchema } from '../models';
import { id, path, repo } from './fields';

/**
 * The session diff a reviewer reads (issue 14, item 3): every changed file with its patch in one
 * answer, for one of four views, plus what the viewer asks for on demand (a large file's patch,
 * a side's lines for more context, an image's bytes, the session's commits).
 */

/** A commit as a person or another screen names it: hex, abbreviated or full (the core resolves it
 * and checks it belongs to the session's history). */
export const commitId = () => z.string().check(z.regex(/^[0-9a-f]{4,64}$/, 'a commit id (4 to 64 hex digits)'));

/**
 * What the diff compares. `base`: everything the session changed since its branch left the base
 * (committed and uncommitted, untracked files too). `uncommitted`: HEAD → the worktree. `commit`:
 * one of the session's commits against its first parent. `since`: a given commit → the worktree now
 * (re-review: only what changed since a snapshot).
 */
export const DIFF_VIEW_KINDS = ['base', 'uncommitted', 'commit', 'since'] as const;
/** One flat object (`sha` with `commit`, `from` with `since`, checked by the core: see viewError). */
export const DiffViewSchema = z.strictObject({
  kind: z.enum(DIFF_VIEW_KINDS),
  sha: z.optional(commitId()),
  from: z.optional(commitId()),
});
export type DiffView = z.infer<typeof DiffViewSchema>;

/** What is wrong with a view's fields (null: nothing): `commit` needs `sha`, `since` needs `from`, and
 * neither field goes with another kind. */
export function viewError(view: DiffView): string | null {
  const wants = view.kind === 'commit' ? 'sha' : view.kind === 'since' ? 'from' : null;
  for (const field of ['sha', 'from'] as const) {
    if (field === wants && view[field] === undefined) return `view ${view.kind} needs ${field}: the commit id`;
    if (field !== wants && view[field] !== undefined) return `view ${view.kind} takes no ${field}`;
  }
  return null;
}

/** Unchanged lines git shows around each change in the review diff's patches (`git diff -U3`, whatever
 * the user's diff.context): the viewer reads a file's end from it (fewer after a hunk's last change: the file ended). */
export const DIFF_CONTEXT_LINES = 3;

export const IMAGE_KINDS = ['png', 'jpeg', 'gif', 'webp', 'svg'] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

/** A changed file (path, kind, counts: shared/models.ts) with what the viewer shows of it. */
export const DiffFileSchema = z.extend(ChangedFileSchema, {
  /** git's unified patch of this file; null when it is held back (`tooLarge`) or binary. */
  patch: z.nullable(z.string()),
  /** The patch's size in bytes. */
  size: z.int(),
  /** Held back for its size: `diff.file` sends it on request. */
  tooLarge: z.boolean(),
  /** Content identity: changes whenever this file's change does (the viewed mark is kept against it). */
  hash: z.string(),
  /** An image type the viewer can preview (from the path's extension); null otherwise. */
  image: z.nullable(z.enum(IMAGE_KINDS)),
});
export type DiffFile = z.infer<typeof DiffFileSchema>;

export const SessionCommitSchema = z.object({
  sha: z.string(),
  subject: z.string(),
  author: z.string(),
  /** ISO 8601, the author date. */
  time: z.string(),
});
export type SessionCommit = z.infer<typeof SessionCommitSchema>;

const side = () => z.enum(['old', 'new']);
const view = () => DiffViewSchema;

export const diffCommands = {
  /** The view's changed files, each with its patch (large ones held back), sorted by path. */
  'diff.get': {
    input: z.strictObject({ repo: repo(), id: id(), view: view(), ignoreWhitespace: z.optional(z.boolean()) }),
    output: z.object({
      /** The commit the old side is read from (null: the old side is empty). */
      from: z.nullable(z.string()),
      /** The commit the new side is read from; null: the worktree as it is now. */
      to: z.nullable(z.string()),
      files: z.array(DiffFileSchema),
    }),
  },
  /** One file of the view, its patch included up to a larger cap (a large file shown on request). */
  'diff.file': {
    input: z.strictObject({ repo: repo(), id: id(), view: view(), path: path(), ignoreWhitespace: z.optional(z.boolean()) }),
    output: DiffFileSchema,
  },
  /** A changed file's text on one side (for more context around hunks), capped. */
  'diff.lines': {
    input: z.strictObject({ repo: repo(), id: id(), view: view(), path: path(), side: side() }),
    output: z.object({ lines: z.array(z.string()), total: z.int() }),
  },
  /** A changed file's bytes on one side: its size, and for a previewable image its data (capped). */
  'diff.blob': {
    input: z.strictObject({ repo: repo(), id: id(), view: view(), path: path(), side: side() }),
    output: z.object({
      /** null: the file does not exist on that side. */
      size: z.nullable(z.int()),
      mime: z.nullable(z.string()),
      /** base64; null when not an image or over the cap. */
      data: z.nullable(z.string()),
    }),
  },
  /** The session's own commits (since its branch left the base), newest first. */
  'diff.commits': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.array(SessionCommitSchema),
  },
} as const;
