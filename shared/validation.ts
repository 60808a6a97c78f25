import type * as z from 'zod/mini';

/**
 * One readable sentence for the first problem zod found, naming the field: zod/mini carries no
 * message catalogue, so the words are ours.
 */
export function describeIssue(error: z.core.$ZodError, what = 'input'): string {
  const issue = error.issues[0];
  if (!issue) return `${what} is invalid`;
  const where = issue.path.length ? issue.path.map(String).join('.') : what;
  if (issue.message && issue.message !== 'Invalid input') return `${where}: ${issue.message}`;
  switch (issue.code) {
    case 'invalid_type':
      return `${where}: expected ${issue.expected}${'input' in issue ? `, got ${describe(issue.input)}` : ''}`;
    case 'invalid_value':
      return `${where}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'too_small':
      return `${where}: too small (minimum ${String(issue.minimum)})`;
    case 'too_big':
      return `${where}: too big (maximum ${String(issue.maximum)})`;
    case 'invalid_format':
      return `${where}: not a valid ${issue.format}`;
    default:
      return `${where}: invalid (${issue.code})`;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
