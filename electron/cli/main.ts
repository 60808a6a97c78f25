import { Command, CommanderError } from 'commander';
import { contextCommands, sessionCommands, statusCommand, type GlobalOptions } from './commands';
import { agentCommands } from './agents';
import { conflictsCommand } from './conflicts';
import { digestCommand } from './digest';
import { coreCaller, repoPath, type Door, type HandlerSource } from './core-call';
import { lockCommands } from './locks';
import { hookCommands } from './hook';
import { hostCommands } from './hosts';
import { mcpCommand } from './mcp';
import { messageCommands } from './messages';
import { mergeCommands } from './merge';
import { createOutput, reportFailure, reportUsageError } from './output';
import { serveCommand } from './serve';
import { sessionActionVerbs } from './session-actions';
import { settingsCommands } from './settings';
import { reviewCommands } from './review';
import { COUNCIL_VERSION } from './version';

/**
 * `council`: the CLI for scripts and agents' hooks, on the same core as the app.
 * Exit status: 0 ok, 1 unexpected failure, 2 bad usage or input, 3 refused (a lock held by another
 * session, unmerged work, a merge conflict).
 */

/**
 * The whole command tree. Each action's failure is handed to `onFailure` with its exit status
 * (commander's own usage errors are thrown from `parseAsync` instead, see `main`). Exported so the
 * fuzz tests can walk every verb (tests/fuzz/cli-fuzz.test.ts) and cover a new one automatically.
 */
export function buildProgram(onFailure: (exitCode: number) => void = () => undefined, options: { handlers?: HandlerSource } = {}): Command {
  const program = new Command('council')
    .description('Run many AI coding agents in parallel on one repository, and stay in control.')
    .option('--repo <path>', 'the repository (default: the one this folder is in)')
    .option('--json', 'print one JSON object: {"ok":true,"value":…} or {"ok":false,"error":{code,message}}')
    .version(COUNCIL_VERSION, '-V, --version', "print council's version")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  // The front door (core-call.ts): a verb's body gets its output, the one call into dispatch(),
  // and the repository it names.
  const call = coreCaller(options.handlers);
  const door: Door = (action) => async (...args) => {
    const { json, repo } = program.opts<GlobalOptions>();
    try {
      await action({ out: createOutput(Boolean(json)), call, repo: () => repoPath(repo), repoOption: repo }, ...args);
    } catch (err) {
      onFailure(reportFailure(err, Boolean(json)));
    }
  };
  const session = sessionCommands(program, door);
  sessionActionVerbs(session, door);
  agentCommands(program, session, door);
  lockCommands(program, door);
  contextCommands(program, door);
  statusCommand(program, door);
  mergeCommands(program, door);
  conflictsCommand(program, door);
  digestCommand(program, door);
  serveCommand(program, door);
  settingsCommands(program, door);
  reviewCommands(program, door);
  messageCommands(program, door);
  hostCommands(program, door);
  hookCommands(program);
  mcpCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // Help asked for (`council help`) is 0; help shown because something was missing (`council`,
      // `council session` without a verb) is bad usage, like any other usage error.
      if (err.code === 'commander.help' && err.exitCode === 0) return 0;
      return reportUsageError(err, jsonRequested(argv));
    }
    return reportFailure(err, Boolean(program.opts<GlobalOptions>().json));
  }
  return exitCode;
}

/** `--json` anywhere before a `--` (commander may have stopped before parsing it). */
function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}
