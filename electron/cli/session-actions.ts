import { Option, type Command } from 'commander';
import { CouncilError, invalidInput } from '../core/errors';
import type { Door } from './core-call';

/**
 * `council session discard ID PATH [--hunk N]` (sessions.discard), `council session update ID
 * [--rebase] [--abort]` (sessions.updateFromBase), `council session open ID [--editor|--terminal|--files]`
 * (sessions.open): what a reviewer does to a session (issue 14, item 5). `session commit` is in commands.ts.
 */

function hunkNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw invalidInput(`--hunk must be a hunk's number (1 for the first), not "${value}"`);
  return Number(value);
}

export function sessionActionVerbs(session: Command, door: Door): void {
  session
    .command('discard')
    .description(
      "discard the uncommitted change of one file in a session's worktree (tracked: back to HEAD; new: deleted), or of one hunk of it; the file as it was is first kept under refs/council/archive/<id>/discard-<n>, and the command to get it back is printed",
    )
    .argument('<id>', 'session id or prefix')
    .argument('<path>', "the file, relative to the session's worktree (as its diff names it)")
    .option('--hunk <n>', 'only this hunk, numbered 1, 2, … as `git diff HEAD -- <path>` prints them in the worktree')
    .action(
      door(async ({ out, call, repo }, id, file, opts) => {
        const hunk = hunkNumber((opts as { hunk?: string }).hunk);
        const result = await call('sessions.discard', { repo: repo(), id: String(id), path: String(file), ...(hunk !== undefined ? { hunk } : {}) });
        out.done(result, () =>
          [
            result.outcome === 'hunk-reversed' ? `discarded the hunk ${result.hunk} of ${result.path}` : result.outcome === 'deleted' ? `discarded ${result.path} (a new file: deleted)` : `discarded the change of ${result.path} (back as HEAD has it)`,
            `kept at ${result.archivedAs} (${result.archivedCommit.slice(0, 10)}); to get it back: ${result.restoreCommand}`,
          ].join('\n'),
        );
      }),
    );

  session
    .command('update')
    .description("bring the session's base branch into its branch, in its worktree (a merge; --rebase to rebase); refused with uncommitted changes or a running agent. On a conflict the files are left for you or its agent to resolve; --abort undoes it")
    .argument('<id>', 'session id or prefix')
    .option('--rebase', 'rebase the branch onto its base instead of merging the base in')
    .option('--abort', 'undo an update stopped on conflicts (git merge --abort / rebase --abort): everything as before')
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const o = opts as { rebase?: boolean; abort?: boolean };
        if (o.rebase && o.abort) throw invalidInput('--abort undoes whichever update is in progress: give it alone, without --rebase');
        const result = await call('sessions.updateFromBase', { repo: repo(), id: String(id), ...(o.abort ? { abort: true } : { strategy: o.rebase ? 'rebase' : 'merge' }) });
        const words = {
          updated: `updated session ${result.id} from ${result.baseBranch} (${result.strategy}): ${result.commitsIn} commit(s) came in`,
          'up-to-date': `session ${result.id} is up to date with ${result.baseBranch}: nothing came in`,
          aborted: `undid the ${result.strategy} of ${result.baseBranch} in session ${result.id}: its branch and files are as before (${result.head.slice(0, 10)})`,
          conflict: [
            `the ${result.strategy} of ${result.baseBranch} into session ${result.id} stopped on conflicts in: ${result.files.join(', ')}`,
            `they are left in its worktree to resolve (then commit${result.strategy === 'rebase' ? ' and git rebase --continue' : ''}); or undo it: council session update ${result.id} --abort`,
          ].join('\n'),
        }[result.state];
        // A conflict is the command's answer, and a failure for a script: exit 3 (as `merge --wait` parked), the files in its details.
        if (result.state === 'conflict') throw new CouncilError('conflict', words, { files: result.files, result });
        out.done(result, () => words);
      }),
    );

  session
    .command('open')
    .description("open a session's worktree on this machine: in the editor (default), a terminal or the file manager (settings openEditor, openTerminal, openFileManager)")
    .argument('<id>', 'session id or prefix')
    .addOption(new Option('--editor', 'in the editor (the default)').conflicts(['terminal', 'files']))
    .addOption(new Option('--terminal', 'in a terminal').conflicts(['editor', 'files']))
    .addOption(new Option('--files', 'in the file manager').conflicts(['editor', 'terminal']))
    .action(
      door(async ({ out, call, repo }, id, opts) => {
        const o = opts as { terminal?: boolean; files?: boolean };
        const target = o.terminal ? 'terminal' : o.files ? 'files' : 'editor';
        const result = await call('sessions.open', { repo: repo(), id: String(id), target });
        out.done(result, () => `opened ${result.cwd} with: ${result.argv.join(' ')}${result.setting ? ` (setting ${result.setting})` : ' (the default)'}`);
      }),
    );
}
