/**
 * The prompt that sends a session's agent back to a merge the queue parked on a conflict: bring
 * the current base into the session's branch, resolve the named files keeping both sides' intent,
 * and commit — after which the queue entry can be retried.
 */
export function resolvePrompt(options: { task: string; baseBranch: string; files: readonly string[]; reason: string | null }): string {
  const files = options.files.length ? options.files.map((f) => `- ${f}`).join('\n') : '- (git will name them)';
  return [
    `Your earlier task in this branch was: ${options.task}`,
    '',
    `It cannot be merged into ${options.baseBranch} yet${options.reason ? `: ${options.reason}` : ''}.`,
    `Run \`git merge ${options.baseBranch}\` in this folder, then resolve the conflicts in:`,
    files,
    '',
    `Keep what this branch meant to do and what ${options.baseBranch} changed meanwhile. When no conflict markers remain and the code builds, commit the merge (\`git commit --no-edit\`). Do not touch other files.`,
  ].join('\n');
}
