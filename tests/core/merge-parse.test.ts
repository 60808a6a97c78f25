import { describe, expect, it } from 'vitest';
import { subjectOf } from '../../electron/core/merge/subject';

describe('subjectOf', () => {
  it('takes the first non-empty line of a task, cut to the limit', () => {
    expect(subjectOf('\n  add the login form  \nwith validation')).toBe('add the login form');
    expect(subjectOf('x'.repeat(150))).toBe(`${'x'.repeat(99)}…`);
  });
});
