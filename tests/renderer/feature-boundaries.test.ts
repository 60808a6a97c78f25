/**
 * Renderer features depend on app-level stores, shared models and components, not on each other's
 * stores (issue 13, item 8). eslint.config.js refuses such an import by its path; the checks here
 * prove that path rule is enough (stores live in `*-store` files, features are flat folders), that
 * it refuses what it should, and that the real code holds it, by resolving every import.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eslint, importsOf, refusedImports } from '../helpers/eslint-layers';

const SRC = resolve(import.meta.dirname, '..', '..', 'renderer', 'src');
const FEATURES = join(SRC, 'features');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A store made once for the whole module (not a factory's store made per component). */
const MODULE_STORE = /^(?:export\s+)?const\s+\w+\s*=\s*create\w*Store\s*[<(]/m;
const holdsStore = (file: string): boolean => MODULE_STORE.test(readFileSync(file, 'utf8'));
const featureOf = (file: string): string | null => {
  const path = relative(FEATURES, file);
  return path.startsWith('..') ? null : (path.split('/')[0] ?? null);
};

function resolveImport(from: string, source: string): string | null {
  if (!source.startsWith('.')) return null;
  const base = resolve(dirname(from), source);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.d.ts`, join(base, 'index.ts')]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${relative(SRC, from)} imports ${source}, which does not resolve`);
}

describe('feature boundaries in the renderer', () => {
  it('features are flat folders, and every store a feature module holds is in a *-store file', () => {
    const files = filesUnder(FEATURES);
    expect(files.length).toBeGreaterThan(40);
    const nested = files.filter((file) => relative(FEATURES, file).split('/').length !== 2);
    expect(nested).toEqual([]);
    const misnamed = files.filter((file) => holdsStore(file) && !/-store\.tsx?$/.test(file)).map((file) => relative(SRC, file));
    expect(misnamed).toEqual([]);
  });

  it('the detector finds a module-level store and passes over a store made per component', () => {
    const dir = join(SRC, 'app', 'stores');
    expect(filesUnder(dir).filter(holdsStore).length).toBeGreaterThanOrEqual(10);
    expect(holdsStore(join(FEATURES, 'terminal', 'terminal-stream.ts'))).toBe(false);
  });

  it('the lint rule refuses another feature\'s store, and allows app stores, models, components and the feature\'s own store', async () => {
    const file = 'renderer/src/features/board/Example.tsx';
    const allowed = ['../../app/stores/sessions-store', './own-store', '../../models/card-list', '../radar/RadarBadge', '../../lib/stats-store', '../../components/Dialog'];
    expect(await refusedImports(file, importsOf(allowed))).toEqual([]);
    const banned = ['../agents/runs-store', '../queue/merge-request-store', '../../features/radar/radar-store', '../locks/locks-store.ts'];
    expect(await refusedImports(file, importsOf(banned))).toEqual(banned);
  });

  it('no feature imports a module of another feature that holds a store (every import resolved)', () => {
    const crossings: string[] = [];
    for (const file of filesUnder(FEATURES)) {
      const own = featureOf(file);
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
        const target = resolveImport(file, match[1] ?? '');
        if (target === null) continue;
        const other = featureOf(target);
        if (other !== null && other !== own && holdsStore(target)) crossings.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('eslint passes on the real feature folders', async () => {
    const results = await eslint.lintFiles([FEATURES]);
    const refused = results.flatMap((result) =>
      result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => `${relative(SRC, result.filePath)}: ${message.message}`),
    );
    expect(results.length).toBeGreaterThan(40);
    expect(refused).toEqual([]);
  });
});
