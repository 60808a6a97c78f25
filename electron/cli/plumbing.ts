/**
 * The verbs of the `council` CLI that are local plumbing, not a way into the council: each one
 * exists to run a worker or a server in this process, and so does not go through the contract's
 * dispatch(). Every other verb is a face over exactly one contract command (core-call.ts);
 * tests/cli/front-door.test.ts walks the whole command tree and holds both halves of that to account.
 */
export const PLUMBING_VERBS: Readonly<Record<string, string>> = {
  serve: 'runs the browser host (HTTP + WebSocket) in this process until a signal; the host itself serves the contract through dispatch()',
  'agent-host': 'the detached worker that hosts headless agent runs (started by sessions.launch through the CLI); runs agents in this process until they end',
  'queue run': 'the detached worker that works through the merge queue (started by queue.merge through the CLI); merges in this process until nothing waits',
  mcp: "the MCP server an agent's CLI starts for its session (stdio); each of its tools is a face over one contract command, called through the front door (core-call.ts)",
  'hook pre-tool': "an agent CLI's pre-edit hook: reads the hook payload on stdin, fails closed, ends the process itself",
  'hook post-tool': "an agent CLI's status hook: reads the hook payload on stdin, fails open, ends the process itself",
  'hook notify': "an agent CLI's status hook: reads the hook payload on stdin, fails open, ends the process itself",
  'hook stop': "an agent CLI's status hook: reads the hook payload on stdin, fails open, ends the process itself",
  'hook prompt': "an agent CLI's status hook: reads the hook payload on stdin, fails open, ends the process itself",
  'hook digest': "an agent CLI's context hook: reads the hook payload on stdin, prints the session's digest of its peers when it changed, fails open, ends the process itself",
  'hook notice': "an agent CLI's post-tool context hook: reads the hook payload on stdin, prints a conflict the radar newly predicts with another session, fails open, ends the process itself",
};
