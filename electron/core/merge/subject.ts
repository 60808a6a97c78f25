/** The first line of a task, for a commit subject. */
export function subjectOf(task: string, max = 100): string {
  const line = (task.split(/\r?\n/).find((l) => l.trim()) ?? task).trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The merge queue's own message for a session's merge commit (merge strategy), unless the entry has one. */
export function defaultMergeMessage(session: { id: string; task: string; branch: string }): string {
  return `Merge session ${session.id}: ${subjectOf(session.task)}\n\nBranch ${session.branch}, merged by the CLI Council merge queue.\n`;
}

/** The queue's own message for a squashed session, listing the subjects squashed. */
export function defaultSquashMessage(session: { id: string; task: string; branch: string }, subjects: readonly string[]): string {
  const body = subjects.length ? `\n\nSquashed from session ${session.id} (${session.branch}):\n${subjects.map((s) => `* ${s}`).join('\n')}\n` : `\n\nSquashed from session ${session.id} (${session.branch}).\n`;
  return `${subjectOf(session.task)}${body}`;
}

/** A merge message as a person wrote it: trailing spaces of lines and blank lines at the ends gone, one final newline. */
export function cleanMessage(message: string): string {
  const text = message.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd()).join('\n').replace(/^\n+|\n+$/g, '');
  return `${text}\n`;
}
