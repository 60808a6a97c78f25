import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentOverride } from '../../../../shared/agents';
import { lookupProgram } from '../runner/find-program';
import { runBriefly } from '../runner/run-briefly';
import type { Detection } from '../types';
import { appBinDirs } from './app-bin';
import { cachedVersion, keepVersion } from './version-cache';

/**
 * Finding an agent's program and asking its version. Never through a shell, never without a
 * timeout: a CLI that hangs on `--version` (waiting for a login, say) is a problem to report,
 * not a reason to hang the new-session dialog.
 */

/**
 * The folders searched after PATH for a bare program name: `COUNCIL_APP_BIN` when it is set (a
 * PATH-style list; empty: none), else the app's own node_modules/.bin (see app-bin.ts).
 */
export function extraProgramDirs(env: Record<string, string | undefined>): string[] {
  if (env.COUNCIL_APP_BIN !== undefined) return env.COUNCIL_APP_BIN.split(path.delimiter).filter(Boolean);
  return appBinDirs();
}

/** The absolute path of `name` on `env.PATH`, then in the app's own node_modules/.bin, or of `name`
 * itself when it is a path; null if absent. */
export function findProgram(name: string, env: Record<string, string | undefined>): string | null {
  const onPath = lookupProgram(name, process.cwd(), { PATH: '', ...env });
  if (onPath !== null || /[\\/]/.test(name)) return onPath;
  const extra = extraProgramDirs(env);
  return extra.length ? lookupProgram(name, process.cwd(), { ...env, PATH: extra.join(path.delimiter) }) : null;
}

const clip = (text: string, max = 600): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * Why a preset's program was not found, where we looked, and the two ways to fix it: install it,
 * or set its path (the CLI command and the Settings screen's field, both real).
 */
export function missingProgram(spec: Pick<ProgramSpec, 'id' | 'label' | 'binary' | 'install' | 'settingsLabel'>, configuredPath: string | undefined, env: Record<string, string | undefined>): string {
  const extra = extraProgramDirs(env);
  const where = configuredPath
    ? `the configured path ${configuredPath} (agents.${spec.id}.path) is not an executable file`
    : `"${spec.binary}" is not on PATH (${clip(env.PATH ?? '') || 'empty'})${extra.length ? ` nor in the app's own ${extra.join(', ')}` : ''}`;
  if (spec.id === 'custom') {
    return `${spec.label} (preset custom): ${where}. Fix the command template: \`council settings set customCommand '<program> {task}'\` (in the app: Settings → Agents → Custom agent command).`;
  }
  return `${spec.label} (preset ${spec.id}): ${where}. Install it (${spec.install}), or set its path: \`council settings set agents.${spec.id}.path /path/to/${path.basename(spec.binary)} --user\` (in the app: Settings → Agents → ${spec.settingsLabel ?? spec.label} → Program path).`;
}

/** The first thing that looks like a version number in a CLI's `--version` output. */
export function parseVersion(output: string): string | null {
  const match = /\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?/.exec(output);
  return match ? match[0] : null;
}

export interface ProgramSpec {
  /** The preset's name in messages ("Claude Code"). */
  label: string;
  /** The preset id, for the settings hint ("agents.claude.path"). */
  id: string;
  binary: string;
  versionArgs?: string[];
  /** How to install it, said in the error when it is missing. */
  install: string;
  /** The preset's fold in Settings → Agents, when it is not `label` (a driver of another preset). */
  settingsLabel?: string;
  /** How long `--version` may take (default 5 s): a big JS bundle starts slowly on a busy machine. */
  versionTimeoutMs?: number;
}

/**
 * Answers of `--version` that worked, by program file: the same file (inode, size, modification
 * time) answers the same, so the new-session dialog does not start every agent CLI each time it
 * opens (a Node-based CLI takes a second or more to say its version), nor each run of the app or
 * of `council agents` (version-cache.ts keeps them on disk). An upgrade replaces the file and is
 * asked again; a failure is never remembered (no answer in time only in this process).
 */
const versions = new Map<string, Promise<Detection>>();

function programKey(file: string, args: readonly string[]): string | null {
  try {
    const s = statSync(file, { bigint: true });
    return `${file}\0${args.join('\0')}\0${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return null;
  }
}

/** Finds the program (the settings' path wins over PATH) and asks its version (remembered, see above). */
export async function detectProgram(spec: ProgramSpec, options: { env: Record<string, string | undefined>; override: AgentOverride; locateOnly?: boolean }): Promise<Detection> {
  const wanted = options.override.path ?? spec.binary;
  const found = findProgram(wanted, options.env);
  if (options.locateOnly) return found ? { path: found, version: null, problem: null } : { path: null, version: null, problem: missingProgram(spec, options.override.path, options.env) };
  const key = found ? programKey(found, spec.versionArgs ?? ['--version']) : null;
  const known = key ? versions.get(key) : undefined;
  if (known) return known;
  const kept = key && found ? cachedVersion(key, options.env) : undefined;
  if (key && found && kept !== undefined) {
    const answer = Promise.resolve({ path: found, version: kept, problem: null });
    versions.set(key, answer);
    return answer;
  }
  const asked = askProgram(spec, options, found);
  if (key) {
    versions.set(key, asked);
    void asked.then((d) => {
      if (d.problem !== null) versions.delete(key);
      // (no answer in time: remembered in this process, as a failure is not, but not kept on disk)
      else if (d.warning === undefined) void keepVersion(key, d.version, options.env);
    });
  }
  return asked;
}

async function askProgram(spec: ProgramSpec, options: { env: Record<string, string | undefined>; override: AgentOverride }, found: string | null): Promise<Detection> {
  if (!found) return { path: null, version: null, problem: missingProgram(spec, options.override.path, options.env) };
  // In the temp folder: a `--version` that does more than print must not do it in someone's checkout.
  const timeoutMs = spec.versionTimeoutMs ?? 5000;
  const result = await runBriefly(found, spec.versionArgs ?? ['--version'], { env: options.env, cwd: tmpdir(), timeoutMs });
  // Found and executable, only slow to say its version (a Node CLI on a machine busy running agents):
  // it can start — saying it is missing, or refusing a session for it, would be false.
  if (result.timedOut) return { path: found, version: null, problem: null, warning: `${spec.label} (preset ${spec.id}): \`${found} ${(spec.versionArgs ?? ['--version']).join(' ')}\` did not answer within ${timeoutMs / 1000} s, so its version is not known (the machine may be busy); if it never answers, run it by hand to see what it waits for.` };
  if (result.error) return { path: found, version: null, problem: `${spec.label} (preset ${spec.id}): ${found} could not be started: ${result.error}` };
  const version = parseVersion(`${result.stdout}\n${result.stderr}`);
  if (result.code !== 0) return { path: found, version, problem: `${spec.label} (preset ${spec.id}): \`${found} --version\` failed with exit ${result.code}: ${(result.stderr || result.stdout).trim().slice(0, 300)}` };
  return { path: found, version, problem: null };
}
