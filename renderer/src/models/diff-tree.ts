/**
 * The diff's file tree (issue 14, item 3): changed files under their folders, a folder with a single
 * child folder shown as one row ("src/app"), folders before files, by name. The same order is the
 * order of the files in the diff's one scroll, so next/previous file follows what the tree shows.
 */

export interface TreeFile {
  path: string;
}

export interface TreeFolder<F extends TreeFile> {
  /** The folder's path ('' for the root), and its name as shown (possibly "a/b" when compressed). */
  path: string;
  name: string;
  folders: TreeFolder<F>[];
  files: F[];
}

export type TreeRow<F extends TreeFile> =
  | { type: 'folder'; path: string; name: string; depth: number; collapsed: boolean; files: number }
  | { type: 'file'; path: string; name: string; depth: number; file: F };

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildTree<F extends TreeFile>(files: readonly F[]): TreeFolder<F> {
  const root: TreeFolder<F> = { path: '', name: '', folders: [], files: [] };
  for (const file of files) {
    const parts = file.path.split('/');
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      const path = folder.path === '' ? part : `${folder.path}/${part}`;
      let next = folder.folders.find((f) => f.path === path);
      if (next === undefined) {
        next = { path, name: part, folders: [], files: [] };
        folder.folders.push(next);
      }
      folder = next;
    }
    folder.files.push(file);
  }
  const finish = (folder: TreeFolder<F>): TreeFolder<F> => {
    folder.folders = folder.folders.map(compress).map(finish).sort((a, b) => byName(a.name, b.name));
    folder.files.sort((a, b) => byName(a.path, b.path));
    return folder;
  };
  return finish(root);
}

/** A folder whose only content is one folder becomes one row: "src" + "app" → "src/app". */
function compress<F extends TreeFile>(folder: TreeFolder<F>): TreeFolder<F> {
  let current = folder;
  let name = folder.name;
  while (current.files.length === 0 && current.folders.length === 1) {
    const only = current.folders[0]!;
    name = `${name}/${only.name}`;
    current = only;
  }
  return current === folder ? folder : { ...current, name };
}

function countFiles<F extends TreeFile>(folder: TreeFolder<F>): number {
  return folder.files.length + folder.folders.reduce((n, f) => n + countFiles(f), 0);
}

/** The rows shown, top to bottom; a collapsed folder's content is left out. */
export function treeRows<F extends TreeFile>(root: TreeFolder<F>, collapsed: ReadonlySet<string>): TreeRow<F>[] {
  const rows: TreeRow<F>[] = [];
  const walk = (folder: TreeFolder<F>, depth: number) => {
    for (const sub of folder.folders) {
      const closed = collapsed.has(sub.path);
      rows.push({ type: 'folder', path: sub.path, name: sub.name, depth, collapsed: closed, files: countFiles(sub) });
      if (!closed) walk(sub, depth + 1);
    }
    for (const file of folder.files) rows.push({ type: 'file', path: file.path, name: file.path.slice(file.path.lastIndexOf('/') + 1), depth, file });
  };
  walk(root, 0);
  return rows;
}

/** Every file in tree order (collapsed folders included): the diff's scroll order. */
export function treeOrder<F extends TreeFile>(files: readonly F[]): F[] {
  return treeRows(buildTree(files), new Set()).flatMap((row) => (row.type === 'file' ? [row.file] : []));
}

/** The folders that hold `path` (to open them when the file becomes the current one). */
export function foldersOf(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
