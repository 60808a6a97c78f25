import type { Command } from 'commander';
import type { Host, HostCheck } from '../../shared/commands/hosts';
import type { Door } from './core-call';
import { ago, table } from './output';
import { tmuxNote } from '../core/hosts/check';

/**
 * `council host add|list|check|remove` (issue 17): other machines over SSH, each verb a face over
 * one contract command (host.add, host.list, host.check, host.remove). A host is named as `ssh`
 * names it; COUNCIL_SSH_CONFIG gives ssh another config file (`ssh -F`).
 */

function facts(check: HostCheck): string {
  const agents = check.agents.length ? check.agents.map((a) => a.preset).join(', ') : '(none on its PATH)';
  return [
    `  system:  ${check.system ?? 'unknown'}`,
    `  git:     ${check.git.version ?? '-'} (${check.git.path ?? 'missing'})`,
    `  node:    ${check.node.version ?? '-'} (${check.node.path ?? 'missing'})`,
    `  agents:  ${agents}`,
    `  tmux:    ${check.tmux?.ok ? `${check.tmux.version ?? '-'} (${check.tmux.path ?? ''}): interactive agents there survive a dropped connection` : (tmuxNote(check) ?? '')}`,
    `  home:    ${check.home}`,
  ].join('\n');
}

const runtimeText = (host: Host): string => (host.runtime ? `${host.runtime.version} (${host.runtime.dir})` : '(none)');

export function hostCommands(program: Command, door: Door): void {
  const host = program
    .command('host')
    .description('other machines over SSH, where sessions can run: add (check + install council\'s runtime), list, check, remove')
    .addHelpText(
      'after',
      "\nA host is anything `ssh NAME` reaches (~/.ssh/config, your keys and agent; never a password).\nIt needs git 2.38+ and Node 20.19+; council installs only ~/.council/runtime/<version>/ there.\nExamples:\n  council host add build-box\n  council host check build-box\n  council host remove build-box",
    );

  host
    .command('add')
    .description("check the host over SSH, install or update council's runtime there (~/.council/runtime/<version>/), and keep it")
    .argument('<name>', 'the SSH name: a Host alias of ~/.ssh/config, a host name, or user@address')
    .action(
      door(async ({ out, call }, name) => {
        const result = await call('host.add', { name: String(name) });
        const said = { installed: 'installed', updated: 'updated', 'up-to-date': 'already up to date' }[result.runtime];
        out.done(result, () =>
          [
            `Host ${result.host.name} added; council's runtime ${said}: ${runtimeText(result.host)}`,
            ...(result.pruned.length ? [`Removed older runtime versions there: ${result.pruned.join(', ')}`] : []),
            facts(result.host.check),
          ].join('\n'),
        );
      }),
    );

  host
    .command('list')
    .description('the hosts kept (no connection is made; `council host check NAME` checks one)')
    .action(
      door(async ({ out, call }) => {
        const { hosts, file } = await call('host.list', {});
        out.done({ hosts, file }, () =>
          hosts.length
            ? [
                table(
                  ['NAME', 'RUNTIME', 'GIT', 'NODE', 'AGENTS', 'CHECKED'],
                  hosts.map((h) => [h.name, h.runtime?.version ?? '-', h.check.git.version ?? '-', h.check.node.version ?? '-', h.check.agents.map((a) => a.preset).join(',') || '-', ago(h.check.checkedAt)]),
                ),
                '',
                `hosts file: ${file}`,
              ].join('\n')
            : `No hosts yet: \`council host add NAME\` adds one.\nhosts file: ${file}`,
        );
      }),
    );

  host
    .command('check')
    .description('check a host over one SSH connection: git, Node, the agent CLIs there, council\'s runtime')
    .argument('<name>', 'the SSH name')
    .action(
      door(async ({ out, call }, name) => {
        const result = await call('host.check', { name: String(name) });
        const runtimes = result.check.runtimes.map((r) => `${r.version} (${r.dir})`).join(', ') || '(none)';
        out.done(result, () =>
          [
            `${result.check.name}: ready for council${result.added ? '' : ' (not added: `council host add ' + result.check.name + '` installs the runtime)'}`,
            facts(result.check),
            `  runtime: ${runtimes}`,
          ].join('\n'),
        );
      }),
    );

  host
    .command('remove')
    .description("remove council's runtime, clones, worktrees folder and run logs from the host (refused while sessions live there or work there is not at home) and forget the host")
    .argument('<name>', 'the SSH name, as it was added')
    .option('--forget', 'only forget the host; touch nothing on it (a machine that is gone)')
    .action(
      door(async ({ out, call }, name, options) => {
        const forget = Boolean((options as { forget?: boolean }).forget);
        const result = await call('host.remove', { name: String(name), ...(forget ? { forget: true } : {}) });
        out.done(result, () =>
          forget
            ? `Host ${result.name} forgotten; nothing was changed on it (council's runtime, if any, is in ~/.council/runtime there).`
            : [
                `Host ${result.name} removed${result.removed.length ? `, and council's runtime with it: ${result.removed.join(', ')}` : ' (no runtime of council was there)'}.`,
                ...(result.clones.length ? [`Removed council's clones, worktrees folder and run logs there: ${result.clones.join(', ')}`] : []),
              ].join('\n'),
        );
      }),
    );
}
