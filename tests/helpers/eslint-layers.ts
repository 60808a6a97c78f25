import { ESLint } from 'eslint';
import { join } from 'node:path';

/** The project's own ESLint (eslint.config.js), to test its layer rules on sample code. */
const eslint = new ESLint({ cwd: join(import.meta.dirname, '..', '..') });

/** The import sources ESLint refuses in `code` when it lives at `filePath`. */
export async function refusedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (result === undefined) throw new Error('eslint returned no result');
  const fatal = result.messages.filter((message) => message.fatal);
  if (fatal.length > 0) throw new Error(fatal.map((message) => message.message).join('\n'));
  return result.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => /'([^']+)' import/.exec(message.message)?.[1] ?? message.message);
}

/** A module that imports each of `sources` (and uses them, so nothing is unused). */
export function importsOf(sources: string[]): string {
  return sources.map((source, index) => `import * as m${index} from '${source}';`).join('\n') + `\nexport const all = [${sources.map((_, i) => `m${i}`).join(', ')}];\n`;
}

export { eslint };
