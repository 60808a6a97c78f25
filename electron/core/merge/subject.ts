/** The first line of a task, for a commit subject. */
export function subjectOf(task: string, max = 100): string {
  const line = (task.split(/\r?\n/).find((l) => l.trim()) ?? task).trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
