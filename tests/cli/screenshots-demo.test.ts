import { afterAll, describe, expect, it } from 'vitest';
import { buildDemo, stopDemoAgents, type Demo } from '../../scripts/screenshots/demo-repo';
import { councilJson } from '../helpers/cli';
import { tempDir } from '../helpers/repo';

/**
 * The README's screenshots show the demo repository scripts/screenshots.ts builds: this proves the
 * builder makes, through the real CLI, the states the screens are meant to show (so a change in the
 * product that breaks one fails here, not silently in a picture).
 */
describe('the screenshot demo repository', () => {
  const dir = tempDir('council-shots-demo-');
  let demo: Demo;
  afterAll(() => stopDemoAgents(dir));

  it('has a session asking, one ready for re-review (c1 addressed, c2 open), two working and colliding, one failed, one parked', async () => {
    demo = await buildDemo(dir);
    const cli = <T>(args: string[]): T => {
      const run = councilJson<T>(args, { cwd: demo.root, env: demo.env });
      if (!run.result.ok) throw new Error(run.result.error.message);
      return run.result.value;
    };
    const { sessions: s } = demo;
    const status = (id: string) => cli<{ context: { status: string } }>(['session', 'show', id]).context.status;
    expect([s.vat, s.email, s.csv, s.discounts, s.temporal, s.intl].map((x) => status(x.id))).toEqual(['needs-input', 'done', 'working', 'working', 'failed', 'done']);

    const review = cli<{ status: string; comments: { id: string; state: string; outcome: string }[] }>(['review', 'show', s.email.id]);
    expect(review.status).toBe('ready-for-re-review');
    expect(review.comments.map((c) => [c.id, c.state, c.outcome])).toEqual([
      ['c1', 'sent', 'addressed'],
      ['c2', 'sent', 'open'],
    ]);

    const conflicts = JSON.stringify(cli(['conflicts']));
    expect(conflicts).toContain('src/invoice.ts');
    expect(conflicts).toContain('src/format.ts');

    const queue = cli<{ sessionId: string; state: string }[]>(['queue', 'list']);
    expect(queue.map((e) => [e.sessionId, e.state])).toEqual([[s.intl.id, 'parked']]);
  });
});
