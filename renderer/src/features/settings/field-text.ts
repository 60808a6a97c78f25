import type { AgentSettingField, TopLevelSettingKey } from '../../../../shared/settings';

/** How the Settings screen names each key, where it shows it, and what it says about it. */
export interface FieldText {
  label: string;
  help: string;
  testId: string;
  placeholder?: string;
  mono?: boolean;
}

export interface Section {
  title: string;
  keys: TopLevelSettingKey[];
}

export const SECTIONS: Section[] = [
  { title: 'Worktrees', keys: ['worktreeRoot', 'staleAfterMinutes', 'worktreeInclude', 'setupCommand', 'setupTimeoutSeconds'] },
  { title: 'Agents', keys: ['defaultAgent', 'customCommand', 'concurrency', 'maxRetries'] },
  { title: 'Best-of-N', keys: ['checkCommand'] },
  { title: 'Merge queue', keys: ['mergeStrategy', 'gateCommand', 'gateTimeoutSeconds', 'removeAfterMerge'] },
  { title: 'Open a worktree in', keys: ['openEditor', 'openTerminal', 'openFileManager'] },
];

export const FIELD_TEXT: Record<TopLevelSettingKey, FieldText> = {
  worktreeRoot: {
    label: 'Worktree location',
    testId: 'settings-worktree-root',
    mono: true,
    help: "Where new sessions' worktrees go (a relative path is taken from the repository's top folder); the default is ~/.council/worktrees/<repo>-<hash>/, outside your working tree. Existing sessions stay where they are.",
  },
  staleAfterMinutes: { label: 'Stale after (minutes)', testId: 'settings-stale-minutes', help: 'A session with no update for this long is marked stale, and idle cleanup may remove it.' },
  worktreeInclude: {
    label: 'Files to copy into each worktree',
    testId: 'settings-worktree-include',
    mono: true,
    placeholder: '.env\nconfig/local.json',
    help: 'One pattern per line (gitignore syntax): ignored files such as .env that a new worktree needs. Added to the patterns of a .worktreeinclude file at the top of the repository.',
  },
  setupCommand: { label: 'Setup command', testId: 'settings-setup-command', mono: true, placeholder: 'npm ci', help: 'Runs in each new worktree, through your shell, before its agent starts.' },
  setupTimeoutSeconds: { label: 'Setup timeout (seconds)', testId: 'settings-setup-timeout', help: 'The setup command is stopped after this long, and the session’s agent does not start.' },
  defaultAgent: { label: 'Default agent', testId: 'settings-default-agent', help: 'Preselected in the new-session dialog, and what council run starts when no agent is named.' },
  customCommand: {
    label: 'Custom agent command',
    testId: 'settings-custom-command',
    mono: true,
    placeholder: 'my-agent --task {task}',
    help: 'What the custom preset runs: {task}, {worktree} and {session} are filled in. Unset: the custom preset is unavailable.',
  },
  concurrency: { label: 'Agents at once', testId: 'settings-concurrency', help: 'How many agents the executor (council run) runs at the same time.' },
  maxRetries: { label: 'Retries', testId: 'settings-max-retries', help: 'How often an agent that failed before doing any work is started again.' },
  checkCommand: {
    label: 'Check command',
    testId: 'settings-check-command',
    mono: true,
    placeholder: 'npm test',
    help: "Run in each session's worktree when sessions are compared; its result (passed or failed, and its output) is shown beside each.",
  },
  mergeStrategy: { label: 'Merge strategy', testId: 'settings-merge-strategy', help: 'The default for new entries (each can pick its own).' },
  gateCommand: {
    label: 'Gate command',
    testId: 'settings-gate-command',
    mono: true,
    placeholder: 'npm test',
    help: 'Runs on each merged result (through your shell) before the base moves; if it fails, the entry parks and the base stays as it was. The default for each entry, which can set its own.',
  },
  gateTimeoutSeconds: { label: 'Gate timeout (seconds)', testId: 'settings-gate-timeout', help: 'A gate still running after this long is stopped, and the entry parks.' },
  openEditor: { label: 'Editor', testId: 'settings-open-editor', mono: true, placeholder: 'code\n{path}', help: 'The program, then its arguments, one a line; {path} is the worktree (which is also its folder). Empty: code if it is on PATH, else the system opens the folder.' },
  openTerminal: { label: 'Terminal', testId: 'settings-open-terminal', mono: true, placeholder: 'x-terminal-emulator', help: 'Started in the worktree. Empty: x-terminal-emulator on Linux, Terminal.app on macOS, Windows Terminal on Windows.' },
  openFileManager: { label: 'File manager', testId: 'settings-open-file-manager', mono: true, placeholder: 'xdg-open\n{path}', help: 'Empty: xdg-open on Linux, open on macOS, explorer on Windows.' },
  removeAfterMerge: { label: 'Remove a session once merged', testId: 'settings-remove-after-merge', help: "Deletes the session's worktree and branch after its merge lands (its work is in the base by then)." },
};

/** A preset's field. */
export function agentFieldText(preset: string, field: AgentSettingField): FieldText {
  const testId = `settings-agent-${preset}-${field}`;
  switch (field) {
    case 'path':
      return {
        label: 'Program path',
        testId,
        mono: true,
        placeholder: '/usr/local/bin/…',
        help: "The program this preset runs: an absolute path, or a name looked up on PATH and then in the app's own node_modules/.bin. Unset: its usual program, looked up the same way.",
      };
    case 'model':
      return { label: 'Model', testId, mono: true, help: "Passed to the agent as --model. Unset: the agent's own default." };
    case 'args':
      return { label: 'Extra arguments', testId, mono: true, placeholder: '--verbose', help: 'One per line, added to every start of this agent.' };
    case 'env':
      return { label: 'Environment', testId, mono: true, placeholder: 'ANTHROPIC_BASE_URL=http://127.0.0.1:4000', help: 'NAME=value, one per line, on top of your own environment.' };
    case 'driver':
      return { label: 'Driver', testId, help: 'Which coding agent runs the local model (default codex).' };
    case 'host':
      return { label: 'Ollama server', testId, mono: true, placeholder: 'http://127.0.0.1:11434', help: 'Where the Ollama server runs (default: OLLAMA_HOST, else http://127.0.0.1:11434).' };
    case 'modelTimeoutSeconds':
      return { label: 'Model server timeout (seconds)', testId, placeholder: '60', help: 'A run whose model server does not answer for this long is stopped and fails, naming the server (default 60).' };
    case 'digest':
      return { label: 'Digest of the other sessions', testId, help: 'When the agent starts, and on a prompt after something changed, it is told who else works on what, which files are taken and which conflicts are predicted with it (at most ~400 tokens). Takes effect at its next start.' };
  }
}
