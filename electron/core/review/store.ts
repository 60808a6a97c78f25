import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ReviewFileSchema, type ReviewFile } from '../../../shared/review';
import { readJson, updateJson } from '../state/json-store';
import type { StatePaths } from '../state/paths';

/**
 * Review files: `<state>/reviews/<session>.json`, one per reviewed session, shared by every process
 * (changed under the file's mutex, written by rename). A corrupt file is an error naming it, never
 * silently replaced (it may hold the only copy of someone's comments).
 */

export const reviewFile = (paths: StatePaths, sessionId: string): string => path.join(paths.reviews, `${sessionId}.json`);

/** The ref that keeps a review snapshot from gc. */
export const snapshotRef = (sessionId: string, commit: string): string => `refs/council/review/${sessionId}/${commit}`;
export const snapshotRefPrefix = (sessionId: string): string => `refs/council/review/${sessionId}/`;

export function emptyReview(sessionId: string): ReviewFile {
  return { version: 1, sessionId, status: 'none', nextComment: 1, comments: [], rounds: [], approval: null, updatedAt: new Date().toISOString() };
}

/** The session's review, or null when it has none. */
export function readReview(paths: StatePaths, sessionId: string): ReviewFile | null {
  return readJson<ReviewFile | null>(reviewFile(paths, sessionId), ReviewFileSchema, () => null);
}

/** Read-modify-write of a session's review under its mutex; `change` returns the next record
 * (null: leave it) and the caller's result. */
export async function updateReview<R>(paths: StatePaths, sessionId: string, change: (current: ReviewFile) => { next: ReviewFile | null; result: R }): Promise<R> {
  mkdirSync(paths.reviews, { recursive: true });
  return updateJson(reviewFile(paths, sessionId), ReviewFileSchema, () => emptyReview(sessionId), 'rename-only', (current) => {
    const { next, result } = change(current);
    return { next: next && { ...next, updatedAt: new Date().toISOString() }, result };
  });
}

/** The sessions that have a review file. */
export function reviewedSessions(paths: StatePaths): string[] {
  try {
    return readdirSync(paths.reviews)
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length));
  } catch {
    return [];
  }
}
