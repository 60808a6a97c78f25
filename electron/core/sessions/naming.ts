const SLUG_MAX = 32;

/**
 * A branch- and folder-safe slug of any task text (any unicode, quotes, shell metacharacters):
 * accents folded, lower-case ASCII letters and digits joined by single dashes. Because it can only
 * contain [a-z0-9-] and never starts or ends with a dash, `council/<slug>-<id>` is always a valid
 * branch name and a valid folder name on every OS.
 */
export function taskSlug(task: string): string {
  const folded = task
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = folded.slice(0, SLUG_MAX).replace(/-+$/g, '');
  return cut || 'task';
}

/** Six hex digits: short enough to type, 16 million values; uniqueness is checked in the registry.
 * node:crypto is loaded here, on first use: it costs ~5 ms of start-up that lock calls never need. */
export async function newSessionIds(count: number): Promise<string[]> {
  const { randomBytes } = await import('node:crypto');
  return Array.from({ length: count }, () => randomBytes(3).toString('hex'));
}

export const sessionBranch = (slug: string, id: string): string => `council/${slug}-${id}`;

/** Where a force-removed session's last state is kept (its tip, plus a snapshot of uncommitted work). */
export const archiveRef = (id: string, when: Date): string =>
  `refs/council/archive/${id}-${when.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
