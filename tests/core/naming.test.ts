import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { archiveRef, newSessionIds, sessionBranch, taskSlug } from '../../electron/core/sessions/naming';

const checkRefFormat = (branch: string): boolean => {
  try {
    execFileSync('git', ['check-ref-format', '--branch', branch], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('task slugs and branch names', () => {
  const odd = [
    'Add login form',
    'Ünïcödé façade — “quotes” and ‘more’',
    "it's $(rm -rf /) && `echo pwned` ; | > <",
    '日本語のタスク',
    '../../etc/passwd',
    '.hidden.lock',
    'refs/heads/main',
    'a..b@{c}~^:?*[\\',
    '-leading-dash',
    '   ',
    '🚀🚀🚀',
    'x'.repeat(500),
    'CON',
    'name.lock',
  ];

  it.each(odd)('makes a valid branch and folder name from %j', (task) => {
    const slug = taskSlug(task);
    expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(slug.length).toBeLessThanOrEqual(32);
    const branch = sessionBranch(slug, 'abc123');
    expect(checkRefFormat(branch)).toBe(true);
  });

  it('keeps the words of an ordinary task readable', () => {
    expect(taskSlug('Add login form')).toBe('add-login-form');
    expect(taskSlug('Ünïcödé façade')).toBe('unicode-facade');
    expect(taskSlug('日本語のタスク')).toBe('task');
  });

  it('makes distinct six-digit hex ids', async () => {
    const ids = new Set(await newSessionIds(200));
    expect(ids.size).toBeGreaterThan(195);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{6}$/);
  });

  it('names archive refs that git accepts', () => {
    const ref = archiveRef('3f2a1b', new Date('2026-01-02T03:04:05.678Z'));
    expect(ref).toBe('refs/council/archive/3f2a1b-20260102T030405Z');
    execFileSync('git', ['check-ref-format', ref]);
  });
});
