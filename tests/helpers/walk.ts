import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** One entry met by walk(). `depth` is 0 for the root's own entries; `rel` uses forward slashes. */
export interface WalkEntry {
  full: string;
  rel: string;
  name: string;
  dir: boolean;
  file: boolean;
  depth: number;
}

/**
 * Every entry under `root`, parents before their children. Symbolic links are not followed, and
 * an entry that vanishes while it is looked at (a lock released meanwhile) is skipped. `enter`
 * says whether to go into a folder (default: every one).
 */
export function walk(root: string, enter: (entry: WalkEntry) => boolean = () => true): WalkEntry[] {
  const out: WalkEntry[] = [];
  const visit = (dir: string, relDir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      let info;
      try {
        info = lstatSync(full);
      } catch {
        continue;
      }
      const entry: WalkEntry = { full, rel: relDir ? `${relDir}/${name}` : name, name, dir: info.isDirectory(), file: info.isFile(), depth };
      out.push(entry);
      if (entry.dir && enter(entry)) visit(full, entry.rel, depth + 1);
    }
  };
  visit(root, '', 0);
  return out;
}
