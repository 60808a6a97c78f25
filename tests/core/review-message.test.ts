import { describe, expect, it } from 'vitest';
import { changedSinceReview, locate, splitLines } from '../../electron/core/review/anchor';
import { fittedMessage, MESSAGE_QUOTE_LINES, requestChangesMessage } from '../../electron/core/review/message';
import { reviewStatus } from '../../electron/core/review/status';

/** The pure parts of a review: the message an agent is sent, the anchoring rule, the status rule. */

describe('the request-changes message', () => {
  it('is one plain-text message: heading, summary, then each comment with file:lines, the numbered code and the comment', () => {
    const text = requestChangesMessage(
      [
        { path: 'src/hello.ts', side: 'new', startLine: 2, endLine: 2, quote: ['  return "hi " + name;'], body: 'Use a template literal.', outdated: false },
        { path: 'src/math.ts', side: 'new', startLine: 9, endLine: 11, quote: ['if (x) {', '  y();', '}'], body: 'Handle x = 0.\nAdd a test.', outdated: true },
        { path: 'src/old.ts', side: 'old', startLine: 4, endLine: 4, quote: ['keep();'], body: 'Why was this removed?', outdated: false },
      ],
      'Close, a few things.',
    );
    expect(text).toBe(
      [
        'Code review: changes requested (3 comments).',
        '',
        'Summary from the reviewer:',
        'Close, a few things.',
        '',
        'Please address each comment below. Line numbers are those of the files in your worktree.',
        '',
        '[1] src/hello.ts:2',
        'Code:',
        '    2 |   return "hi " + name;',
        'Comment:',
        '    Use a template literal.',
        '',
        '[2] src/math.ts:9-11 (these lines have changed since the comment was written)',
        'Code:',
        '     9 | if (x) {',
        '    10 |   y();',
        '    11 | }',
        'Comment:',
        '    Handle x = 0.',
        '    Add a test.',
        '',
        '[3] src/old.ts:4 (the base version, before your changes)',
        'Code:',
        '    4 | keep();',
        'Comment:',
        '    Why was this removed?',
        '',
        'When you are done, stop and say briefly what you changed for each comment.',
      ].join('\n'),
    );
  });

  it('a summary alone, and long quotes cut with a count', () => {
    expect(requestChangesMessage([], 'Split this into two commits.')).toBe('Code review: changes requested.\n\nSummary from the reviewer:\nSplit this into two commits.\n\nWhen you are done, stop and say briefly what you changed for each comment.');
    const quote = Array.from({ length: MESSAGE_QUOTE_LINES + 5 }, (_, i) => `line ${i + 1}`);
    const text = requestChangesMessage([{ path: 'a', side: 'new', startLine: 1, endLine: quote.length, quote, body: 'b', outdated: false }], null);
    expect(text).toContain(`    ${MESSAGE_QUOTE_LINES} | line ${MESSAGE_QUOTE_LINES}\n    … 5 more lines\nComment:`);
    expect(text).not.toContain(`line ${MESSAGE_QUOTE_LINES + 1}\n`);
  });
});

describe('a message that must fit a follow-up', () => {
  const many = Array.from({ length: 20 }, (_, i) => ({ path: `src/f${i}.ts`, side: 'new' as const, startLine: 1, endLine: 30, quote: Array.from({ length: 30 }, (_, j) => `const value${j} = ${'x'.repeat(40)};`), body: `comment ${i}`, outdated: false }));
  it('cuts the quotes shorter until it fits, and says when nothing does', () => {
    expect(requestChangesMessage(many, null).length).toBeGreaterThan(8000);
    const fitted = fittedMessage(many, null, 8000);
    expect(fitted).not.toBeNull();
    expect(fitted!.length).toBeLessThanOrEqual(8000);
    for (let i = 0; i < 20; i++) expect(fitted).toContain(`[${i + 1}] src/f${i}.ts:1-30`);
    expect(fitted).toContain('more lines');
    expect(fittedMessage(many, 'y'.repeat(8000), 8000)).toBeNull();
  });
});

describe('anchoring', () => {
  const lines = splitLines('a\nb\nc\nb\nd\r\n');
  it('splits lines without their ends', () => expect(lines).toEqual(['a', 'b', 'c', 'b', 'd']));
  it('keeps its lines, re-anchors a block found once, and is outdated when it is gone or found twice', () => {
    expect(locate(lines, ['c', 'b'], { startLine: 3, endLine: 4 })).toEqual({ startLine: 3, endLine: 4 });
    expect(locate(lines, ['c', 'b'], { startLine: 1, endLine: 2 })).toEqual({ startLine: 3, endLine: 4 });
    expect(locate(lines, ['b'], { startLine: 1, endLine: 1 })).toBeNull();
    expect(locate(lines, ['z'], { startLine: 1, endLine: 1 })).toBeNull();
    expect(locate(lines, ['d'], { startLine: 9, endLine: 9 })).toEqual({ startLine: 5, endLine: 5 });
  });
  it('counts a comment addressed when its lines changed since the review, not when they only moved', () => {
    const atReview = ['x', 'y', 'z'];
    expect(changedSinceReview(atReview, ['x', 'y', 'z'], ['y'], { startLine: 2, endLine: 2 })).toBe(false);
    expect(changedSinceReview(atReview, ['new', 'x', 'y', 'z'], ['y'], { startLine: 2, endLine: 2 })).toBe(false);
    expect(changedSinceReview(atReview, ['x', 'Y', 'z'], ['y'], { startLine: 2, endLine: 2 })).toBe(true);
    expect(changedSinceReview(atReview, null, ['y'], { startLine: 2, endLine: 2 })).toBe(true);
    // Already outdated at the review (the quote "q" was gone): what stood at its lines then is what counts.
    expect(changedSinceReview(atReview, ['x', 'y', 'z'], ['q'], { startLine: 2, endLine: 2 })).toBe(false);
    expect(changedSinceReview(atReview, ['x', 'w', 'z'], ['q'], { startLine: 2, endLine: 2 })).toBe(true);
  });
});

describe('the review status', () => {
  const requested = { status: 'changes-requested' as const, rounds: [{ n: 1, requestedAt: '2026-01-01T10:00:00.000Z', snapshot: 'a'.repeat(40), summary: null, commentIds: [], message: '' }] };
  const at = (min: number): string => `2026-01-01T10:${String(min).padStart(2, '0')}:00.000Z`;
  it('stays changes-requested until the agent worked after the request and stopped', () => {
    expect(reviewStatus(null, [], null)).toBe('none');
    expect(reviewStatus({ status: 'approved', rounds: [] }, [], null)).toBe('approved');
    expect(reviewStatus(requested, [{ status: 'done', at: '2026-01-01T09:00:00.000Z', message: null }], null)).toBe('changes-requested');
    expect(reviewStatus(requested, [{ status: 'done', at: at(1), message: null }], null)).toBe('changes-requested');
    expect(reviewStatus(requested, [{ status: 'working', at: at(1), message: null }], null)).toBe('changes-requested');
    expect(reviewStatus(requested, [{ status: 'working', at: at(1), message: null }, { status: 'needs-input', at: at(2), message: null }], null)).toBe('changes-requested');
    expect(reviewStatus(requested, [{ status: 'working', at: at(1), message: null }, { status: 'done', at: at(2), message: null }], null)).toBe('ready-for-re-review');
    expect(reviewStatus(requested, [{ status: 'working', at: '2026-01-01T09:00:00.000Z', message: null }, { status: 'idle', at: at(2), message: null }], null)).toBe('ready-for-re-review');
    expect(reviewStatus(requested, [], { startedAt: at(1), endedAt: at(3) })).toBe('ready-for-re-review');
    expect(reviewStatus(requested, [], { startedAt: '2026-01-01T09:00:00.000Z', endedAt: '2026-01-01T09:30:00.000Z' })).toBe('changes-requested');
  });

  it('queued for a running headless run: only the run that resumes with it counts, from its start', () => {
    const queued = { status: 'changes-requested' as const, rounds: [{ ...requested.rounds[0]!, waitsForRun: 'r1' }] };
    // The run it was queued for was working at the request and ends after it: not the review's work.
    const firstEnds = [{ status: 'working' as const, at: '2026-01-01T09:59:00.000Z', message: null }, { status: 'done' as const, at: at(2), message: null }];
    const first = { id: 'r1', startedAt: '2026-01-01T09:58:00.000Z', endedAt: at(2) };
    expect(reviewStatus(queued, firstEnds, first)).toBe('changes-requested');
    expect(reviewStatus(requested, firstEnds, first)).toBe('ready-for-re-review'); // (sent any other way, that was the agent's turn ending)
    // The resumed run is working on it.
    const resumed = { id: 'r2', startedAt: at(3), endedAt: null };
    expect(reviewStatus(queued, [...firstEnds, { status: 'working', at: at(3), message: null }], resumed)).toBe('changes-requested');
    // It ended: ready.
    expect(reviewStatus(queued, [...firstEnds, { status: 'working', at: at(3), message: null }, { status: 'done', at: at(5), message: null }], { ...resumed, endedAt: at(5) })).toBe('ready-for-re-review');
    expect(reviewStatus(queued, firstEnds, { ...resumed, endedAt: at(5) })).toBe('ready-for-re-review');
    // No run after it (the resume failed, or has not started yet): still requested.
    expect(reviewStatus(queued, firstEnds, null)).toBe('changes-requested');
    expect(reviewStatus(queued, firstEnds, { id: 'r0', startedAt: '2026-01-01T09:00:00.000Z', endedAt: at(2) })).toBe('changes-requested');
  });
});
