import { Command, CommanderError } from 'commander';
import { Council } from '../core/council';
import { contextCommands, lockCommands, sessionCommands, statusCommand, type GlobalOptions, type Run } from './commands';
import { agentCommands } from './agents';
import { conflictsCommand } from './conflicts';
import { hookCommands } from './hook';
import { mergeCommands } from './merge';
import { createOutput, reportFailure } from './output';
import { serveCommand } from './serve';

/**
 * `council`: the CLI for scripts and agents' hooks, on the same core as the app.
 * Exit status: 0 ok, 1 unexpected failure, 2 bad usage or input, 3 refused (a lock held by another
 * session, unmerged work, a merge conflict).
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('council')
    .description('Run many AI coding agents in parallel on one repository, and stay in control.')
    .option('--repo <path>', 'the repository (default: the one this folder is in)')
    .option('--json', 'print one JSON object: {"ok":true,"value":…} or {"ok":false,"error":{code,message}}')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  let exitCode = 0;
  const run: Run = (action) => async (...args) => {
    const { json, repo } = program.opts<GlobalOptions>();
    try {
      await action(createOutput(Boolean(json)), () => Council.open(repo ?? process.cwd()), ...args);
    } catch (err) {
      exitCode = reportFailure(err, Boolean(json));
    }
  };
  agentCommands(program, sessionCommands(program, run), run);
  lockCommands(program, run);
  contextCommands(program, run);
  statusCommand(program, run);
  mergeCommands(program, run);
  conflictsCommand(program, run);
  serveCommand(program, run);
  hookCommands(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    return reportFailure(err, Boolean(program.opts<GlobalOptions>().json));
  }
  return exitCode;
}
