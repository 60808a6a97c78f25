import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gitSync } from '../tests/helpers/repo';
import { timedSync } from './clock';

/** A generated repository: one commit of `files` small text files in nested folders. */
export interface GeneratedRepo {
  root: string;
  files: number;
  /** 100 repo-relative paths of committed files, spread over the tree (for locks and context). */
  samplePaths: string[];
  generateMs: number;
}

const FILES_PER_FOLDER = 25;
const FOLDERS_PER_PACKAGE = 10;
const SAMPLE_PATHS = 100;

/** `packages/pkg-07/src/mod-3/file-012.ts`: 25 files a folder, 10 folders a package. The i-th
 * generated file (0 ≤ i < files − 1; the last file is the README). */
export function relPathOf(index: number): string {
  const folder = Math.floor(index / FILES_PER_FOLDER);
  const pkg = Math.floor(folder / FOLDERS_PER_PACKAGE);
  const mod = folder % FOLDERS_PER_PACKAGE;
  const file = index % FILES_PER_FOLDER;
  return `packages/pkg-${String(pkg).padStart(2, '0')}/src/mod-${mod}/file-${String(file).padStart(3, '0')}.ts`;
}

function contentOf(index: number): string {
  return `// generated file ${index}\nexport const value${index} = ${index};\nexport function f${index}(x: number): number {\n  return x + ${index};\n}\n`;
}

/** Writes the files, then one `git add -A` and one commit: seconds even for 10,000 files. */
export function generateRepo(parent: string, name: string, files: number): GeneratedRepo {
  const root = path.join(parent, name);
  const { ms } = timedSync(() => {
    mkdirSync(root, { recursive: true });
    gitSync(root, 'init', '-q', '-b', 'main');
    writeFileSync(path.join(root, 'README.md'), `# ${name}\n\n${files} generated files for the benchmark.\n`);
    const made = new Set<string>();
    for (let i = 0; i < files - 1; i++) {
      const rel = relPathOf(i);
      const dir = path.dirname(rel);
      if (!made.has(dir)) {
        mkdirSync(path.join(root, dir), { recursive: true });
        made.add(dir);
      }
      writeFileSync(path.join(root, rel), contentOf(i));
    }
    gitSync(root, 'add', '-A');
    gitSync(root, 'commit', '-q', '-m', `${files} generated files`);
  });
  const samples = Math.min(SAMPLE_PATHS, files - 1);
  const samplePaths = Array.from({ length: samples }, (_, k) => relPathOf(Math.floor((k * (files - 1)) / samples)));
  return { root, files, samplePaths, generateMs: ms };
}
