import * as z from 'zod/mini';
import { AGENT_PRESET_IDS, type AgentOverride, type AgentPresetId } from './agents';
import { MERGE_STRATEGIES } from './merge';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from './models';

/*
 * Settings in two scopes (issue 12, item 14): the user's (every repository on this machine) and the
 * repository's (overrides, in its git common dir). Each scope stores only what was set in it; the
 * effective value of a key is the repository's, else the user's, else the default.
 *
 * Every key is named here once, with the schema its value must pass and the words for what it
 * accepts, so the CLI (`council settings set KEY VALUE`), the Settings screen and the core refuse
 * the same things with the same message. Typed so that a key added to SettingsSchema (models.ts)
 * without an entry here fails to compile.
 */

export const SETTINGS_SCOPES = ['user', 'repository'] as const;
export const SettingsScopeSchema = z.enum(SETTINGS_SCOPES);
export type SettingsScope = z.infer<typeof SettingsScopeSchema>;

export const SETTING_SOURCES = ['default', 'user', 'repository'] as const;
export const SettingSourceSchema = z.enum(SETTING_SOURCES);
export type SettingSource = z.infer<typeof SettingSourceSchema>;

/** How a value is written on the command line, and how a form edits it. */
export type SettingKind = 'text' | 'nullable-text' | 'int' | 'boolean' | 'enum' | 'nullable-enum' | 'list' | 'map';

export interface SettingSpec<S extends z.ZodMiniType = z.ZodMiniType> {
  schema: S;
  kind: SettingKind;
  /** What it accepts, in words: said in every error about it. */
  allowed: string;
  /** For enums: the values. */
  values?: readonly string[];
  /** One line on what it does (the CLI's `settings list --help`, the screen's help). */
  about: string;
}

const spec = <S extends z.ZodMiniType>(s: SettingSpec<S>): SettingSpec<S> => s;
const wholeNumber = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const command = () => z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)));
const COMMAND_ALLOWED = 'a shell command (up to 4000 characters), or empty for none';

/** A program and its arguments, one a line: the first an absolute path or a name looked up on PATH. */
const openWith = () =>
  z.array(z.string().check(z.minLength(1), z.maxLength(4096))).check(
    z.maxLength(50),
    z.refine((argv) => argv.length === 0 || /^(?:\/|[A-Za-z]:[\\/]|\\\\)|^[^\\/]+$/.test(argv[0]!), 'the program (first line) must be an absolute path or a name looked up on PATH'),
  );
const OPEN_ALLOWED = 'a program and its arguments, one a line ({path} is the worktree; empty for the default)';

/** The repository-wide keys (everything but the per-preset `agents.*`). */
export const TOP_LEVEL_SETTINGS = {
  worktreeRoot: spec({ schema: z.nullable(z.string().check(z.minLength(1), z.maxLength(4096))), kind: 'nullable-text', allowed: 'a folder path (relative to the repository), or empty for the default', about: "where new sessions' worktrees go" }),
  staleAfterMinutes: spec({ schema: wholeNumber(1, 60 * 24 * 30), kind: 'int', allowed: 'a whole number of minutes from 1 to 43200', about: 'a session with no update for this long is stale' }),
  worktreeInclude: spec({ schema: z.array(z.string().check(z.minLength(1), z.maxLength(1000))).check(z.maxLength(200)), kind: 'list', allowed: 'a list of gitignore patterns (at most 200)', about: 'files copied from the main checkout into each new worktree' }),
  setupCommand: spec({ schema: command(), kind: 'nullable-text', allowed: COMMAND_ALLOWED, about: 'run in each new worktree before its agent starts' }),
  setupTimeoutSeconds: spec({ schema: wholeNumber(1, 24 * 3600), kind: 'int', allowed: 'a whole number of seconds from 1 to 86400', about: 'the setup command is stopped after this long' }),
  checkCommand: spec({ schema: command(), kind: 'nullable-text', allowed: COMMAND_ALLOWED, about: 'run in each session when sessions are compared' }),
  customCommand: spec({ schema: command(), kind: 'nullable-text', allowed: 'a command template with {task}, {worktree}, {session} (up to 4000 characters), or empty for none', about: 'what the custom preset runs' }),
  defaultAgent: spec({ schema: z.nullable(z.enum(AGENT_PRESET_IDS)), kind: 'nullable-enum', values: AGENT_PRESET_IDS, allowed: `one of ${AGENT_PRESET_IDS.join(', ')}, or empty for none`, about: 'the preset the new-session dialog and council run start with' }),
  concurrency: spec({ schema: wholeNumber(1, 64), kind: 'int', allowed: 'a whole number from 1 to 64', about: 'how many agents council run runs at once' }),
  maxRetries: spec({ schema: wholeNumber(0, 10), kind: 'int', allowed: 'a whole number from 0 to 10', about: 'how often an agent that failed before doing any work is retried' }),
  mergeStrategy: spec({ schema: z.enum(MERGE_STRATEGIES), kind: 'enum', values: MERGE_STRATEGIES, allowed: `one of ${MERGE_STRATEGIES.join(', ')}`, about: "the merge queue's default strategy" }),
  gateCommand: spec({ schema: command(), kind: 'nullable-text', allowed: COMMAND_ALLOWED, about: 'run on each merged result before the base moves' }),
  gateTimeoutSeconds: spec({ schema: wholeNumber(1, 24 * 3600), kind: 'int', allowed: 'a whole number of seconds from 1 to 86400', about: 'a gate still running after this long is stopped' }),
  removeAfterMerge: spec({ schema: z.boolean(), kind: 'boolean', allowed: 'true or false', about: "remove a session's worktree and branch once merged" }),
  openEditor: spec({ schema: openWith(), kind: 'list', allowed: OPEN_ALLOWED, about: "the editor a session's worktree opens in (empty: code if found, else the system's opener)" }),
  openTerminal: spec({ schema: openWith(), kind: 'list', allowed: OPEN_ALLOWED, about: "the terminal a session's worktree opens in (empty: x-terminal-emulator, Terminal.app or Windows Terminal)" }),
  openFileManager: spec({ schema: openWith(), kind: 'list', allowed: OPEN_ALLOWED, about: "the file manager a session's worktree opens in (empty: xdg-open, open or explorer)" }),
} satisfies { [K in Exclude<keyof Settings, 'agents'>]: SettingSpec<z.ZodMiniType<Settings[K]>> };

export type TopLevelSettingKey = keyof typeof TOP_LEVEL_SETTINGS;
export const TOP_LEVEL_SETTING_KEYS = Object.keys(TOP_LEVEL_SETTINGS) as TopLevelSettingKey[];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An absolute path (POSIX or Windows) or a bare program name looked up on PATH: never relative,
 * which would mean a different file for the app, the CLI and each worktree. */
const PROGRAM = /^(?:\/|[A-Za-z]:[\\/]|\\\\)|^[^\\/]+$/;

/** The per-preset fields (`agents.<preset>.<field>`). */
export const AGENT_SETTING_FIELDS = {
  path: spec({
    schema: z.string().check(z.minLength(1), z.maxLength(4096), z.regex(PROGRAM, 'an absolute path, or a program name looked up on PATH')),
    kind: 'text',
    allowed: 'an absolute path to the program, or a program name looked up on PATH',
    about: 'the program this preset runs',
  }),
  model: spec({ schema: z.string().check(z.minLength(1), z.maxLength(200)), kind: 'text', allowed: 'a model name (up to 200 characters)', about: 'the model the agent is asked to use (--model)' }),
  args: spec({ schema: z.array(z.string().check(z.maxLength(4000))).check(z.maxLength(100)), kind: 'list', allowed: 'a list of arguments (at most 100)', about: 'extra arguments added to every start' }),
  env: spec({
    schema: z.record(z.string().check(z.regex(ENV_NAME, 'a variable name: letters, digits and _, not starting with a digit')), z.string().check(z.maxLength(32_768))),
    kind: 'map',
    allowed: 'NAME=value pairs (a JSON object of strings)',
    about: "extra environment variables, on top of the user's",
  }),
  driver: spec({ schema: z.enum(['codex', 'opencode']), kind: 'enum', values: ['codex', 'opencode'], allowed: 'one of codex, opencode', about: 'which coding agent drives the local model' }),
  host: spec({ schema: z.string().check(z.minLength(1), z.maxLength(2000)), kind: 'text', allowed: 'the Ollama server address, e.g. http://127.0.0.1:11434', about: 'where the Ollama server runs' }),
  modelTimeoutSeconds: spec({
    schema: z.int().check(z.gte(5), z.lte(3600)),
    kind: 'int',
    allowed: 'a whole number of seconds from 5 to 3600 (default 60)',
    about: 'a run whose model server does not answer for this long fails, naming the server',
  }),
  digest: spec({
    schema: z.boolean(),
    kind: 'boolean',
    allowed: 'true or false (default true)',
    about: "tell the agent, when it starts and when something changed, who else works on what and which conflicts are predicted with it",
  }),
} satisfies { [K in keyof Required<AgentOverride>]: SettingSpec<z.ZodMiniType<Required<AgentOverride>[K]>> };

export type AgentSettingField = keyof typeof AGENT_SETTING_FIELDS;

/** Which fields each preset reads: a field a preset would ignore is refused, never stored in vain.
 * The custom preset's program comes from its template (customCommand), so it has no path. */
export const PRESET_SETTING_FIELDS: Record<AgentPresetId, readonly AgentSettingField[]> = {
  claude: ['path', 'model', 'modelTimeoutSeconds', 'args', 'env', 'digest'],
  codex: ['path', 'model', 'args', 'env', 'digest'],
  gemini: ['path', 'model', 'args', 'env', 'digest'],
  opencode: ['path', 'model', 'modelTimeoutSeconds', 'args', 'env'],
  qwen: ['path', 'model', 'modelTimeoutSeconds', 'args', 'env'],
  copilot: ['path', 'model', 'modelTimeoutSeconds', 'args', 'env'],
  kilo: ['path', 'model', 'modelTimeoutSeconds', 'args', 'env'],
  aider: ['path', 'model', 'args', 'env'],
  ollama: ['path', 'model', 'driver', 'host', 'args', 'env', 'digest'],
  'auto-claude': ['path', 'args', 'env'],
  custom: ['args', 'env'],
};

type Optionalize<T extends Record<string, SettingSpec>> = { [K in keyof T]: z.ZodMiniOptional<T[K]['schema']> };
function optionalShape<T extends Record<string, SettingSpec>>(specs: T): Optionalize<T> {
  return Object.fromEntries(Object.entries(specs).map(([key, s]) => [key, z.optional(s.schema)])) as Optionalize<T>;
}

const agentLayerSchemas = Object.fromEntries(
  AGENT_PRESET_IDS.map((preset) => [preset, z.optional(z.strictObject(Object.fromEntries(PRESET_SETTING_FIELDS[preset].map((f) => [f, z.optional(AGENT_SETTING_FIELDS[f].schema)]))))]),
) as unknown as Record<AgentPresetId, z.ZodMiniOptional<z.ZodMiniType<AgentOverride>>>;

/** The version a scope's file is written with; a file without one is from before scopes existed. */
export const SETTINGS_FILE_VERSION = 2;

/** What one scope holds: only the keys set in it. Unknown keys are refused (a typo never silently
 * does nothing), and so is a field its preset does not read. */
export const SettingsLayerSchema = z.strictObject({
  version: z.optional(z.literal(SETTINGS_FILE_VERSION)),
  ...optionalShape(TOP_LEVEL_SETTINGS),
  agents: z.optional(z.strictObject(agentLayerSchemas)),
});
export type SettingsLayer = z.infer<typeof SettingsLayerSchema>;

/** One key as the Settings screen and `council settings list` show it. */
export const SettingEntrySchema = z.object({
  key: z.string(),
  allowed: z.string(),
  about: z.string(),
  kind: z.enum(['text', 'nullable-text', 'int', 'boolean', 'enum', 'nullable-enum', 'list', 'map']),
  values: z.optional(z.array(z.string())),
  /** What applies now, and where it comes from. */
  effective: z.unknown(),
  source: SettingSourceSchema,
  /** What each scope holds (absent: not set there) and the default (absent: none). */
  user: z.optional(z.unknown()),
  repository: z.optional(z.unknown()),
  default: z.optional(z.unknown()),
});
export type SettingEntry = z.infer<typeof SettingEntrySchema>;

/** Both scopes, and what they add up to. */
export const SettingsViewSchema = z.object({
  /** The files behind each scope (repository: null when no repository was named). */
  files: z.object({ user: z.string(), repository: z.nullable(z.string()) }),
  user: SettingsLayerSchema,
  repository: z.nullable(SettingsLayerSchema),
  effective: SettingsSchema,
  entries: z.array(SettingEntrySchema),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/* ---------------------------------------------------------------- keys */

export type SettingKey =
  | { kind: 'top'; key: TopLevelSettingKey }
  | { kind: 'agent'; preset: AgentPresetId; field: AgentSettingField }
  | { kind: 'agent-env'; preset: AgentPresetId; name: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const isTopLevel = (key: string): key is TopLevelSettingKey => Object.hasOwn(TOP_LEVEL_SETTINGS, key);
const isPreset = (id: string): id is AgentPresetId => (AGENT_PRESET_IDS as readonly string[]).includes(id);

/** Every key there is, in the order they are listed (agents.<preset>.<field> after the others). */
export function settingKeys(): string[] {
  return [...TOP_LEVEL_SETTING_KEYS, ...AGENT_PRESET_IDS.flatMap((preset) => PRESET_SETTING_FIELDS[preset].map((field) => `agents.${preset}.${field}`))];
}

const KEYS_HELP = `the keys are ${TOP_LEVEL_SETTING_KEYS.join(', ')}, and agents.<preset>.<${Object.keys(AGENT_SETTING_FIELDS).join('|')}> for the presets ${AGENT_PRESET_IDS.join(', ')} (see \`council settings list\`)`;

/** `agents.claude.path` → what it names, or why it names nothing (with the keys there are). */
export function parseSettingKey(key: string): Parsed<SettingKey> {
  const fail = (why: string): Parsed<SettingKey> => ({ ok: false, message: `unknown setting "${key}"${why}; ${KEYS_HELP}` });
  if (isTopLevel(key)) return { ok: true, value: { kind: 'top', key } };
  const parts = key.split('.');
  if (parts[0] !== 'agents') return fail('');
  const [, preset = '', field = '', ...rest] = parts;
  if (!isPreset(preset)) return fail(preset ? ` (no preset "${preset}")` : ' (name a preset: agents.<preset>.<field>)');
  const fields = PRESET_SETTING_FIELDS[preset];
  if (!(fields as readonly string[]).includes(field)) {
    return { ok: false, message: `unknown setting "${key}": the ${preset} preset has the fields ${fields.map((f) => `agents.${preset}.${f}`).join(', ')}` };
  }
  if (rest.length === 0) return { ok: true, value: { kind: 'agent', preset, field: field as AgentSettingField } };
  const name = rest.join('.');
  if (field === 'env' && ENV_NAME.test(name)) return { ok: true, value: { kind: 'agent-env', preset, name } };
  return { ok: false, message: `unknown setting "${key}": only agents.${preset}.env takes a variable name after it (agents.${preset}.env.NAME, NAME made of letters, digits and _)` };
}

/** What a key takes (its schema, kind and words). */
export function specOf(key: SettingKey): SettingSpec {
  if (key.kind === 'top') return TOP_LEVEL_SETTINGS[key.key];
  if (key.kind === 'agent') return AGENT_SETTING_FIELDS[key.field];
  return spec({ schema: z.string().check(z.maxLength(32_768)), kind: 'text', allowed: 'a string (the variable’s value)', about: 'one extra environment variable' });
}

/** Checks a value for a key: the value as stored, or a message naming the key and what it accepts. */
export function checkSettingValue(name: string, value: unknown): Parsed<unknown> {
  const key = parseSettingKey(name);
  if (!key.ok) return key;
  const s = specOf(key.value);
  const checked = s.schema.safeParse(value);
  if (checked.success) return { ok: true, value: checked.data };
  return { ok: false, message: `${name}: ${JSON.stringify(value)} is not allowed; it takes ${s.allowed}` };
}

/* ---------------------------------------------------------------- values */

/** The value a scope holds for a key; undefined when it is not set there. */
export function layerValue(layer: SettingsLayer | null, key: SettingKey): unknown {
  if (!layer) return undefined;
  if (key.kind === 'top') return layer[key.key];
  const override = layer.agents?.[key.preset];
  if (key.kind === 'agent') return override?.[key.field];
  return override?.env?.[key.name];
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * A scope with `set` written into it and `unset` taken out, validated as a whole: the new layer,
 * or the first problem naming its key and what that key accepts.
 */
export function changeLayer(layer: SettingsLayer, change: { set?: Record<string, unknown>; unset?: readonly string[] }): Parsed<SettingsLayer> {
  const next = clone(layer) as Record<string, unknown> & SettingsLayer;
  for (const name of change.unset ?? []) {
    const key = parseSettingKey(name);
    if (!key.ok) return key;
    writeKey(next, key.value, undefined);
  }
  for (const [name, raw] of Object.entries(change.set ?? {})) {
    const checked = checkSettingValue(name, raw);
    if (!checked.ok) return checked;
    writeKey(next, (parseSettingKey(name) as { ok: true; value: SettingKey }).value, checked.value);
  }
  next.version = SETTINGS_FILE_VERSION;
  const parsed = SettingsLayerSchema.safeParse(next);
  if (!parsed.success) return { ok: false, message: describeLayerIssue(parsed.error) };
  return { ok: true, value: parsed.data };
}

function writeKey(layer: SettingsLayer, key: SettingKey, value: unknown): void {
  if (key.kind === 'top') {
    if (value === undefined) delete layer[key.key];
    else (layer as Record<string, unknown>)[key.key] = value;
    return;
  }
  const agents = (layer.agents ??= {});
  const override: Record<string, unknown> = { ...(agents[key.preset] ?? {}) };
  if (key.kind === 'agent') {
    if (value === undefined) delete override[key.field];
    else override[key.field] = value;
  } else {
    const env = { ...((override.env as Record<string, string> | undefined) ?? {}) };
    if (value === undefined) delete env[key.name];
    else env[key.name] = value as string;
    if (Object.keys(env).length) override.env = env;
    else delete override.env;
  }
  if (Object.keys(override).length) agents[key.preset] = override as AgentOverride;
  else delete agents[key.preset];
  if (Object.keys(agents).length === 0) delete layer.agents;
}

/** A layer's first problem in words, naming the key (`agents.claude.args`) and what it accepts. */
export function describeLayerIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'the settings are invalid';
  const where = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const parent = where.join('.');
    const names = issue.keys.map((k) => (parent ? `${parent}.${k}` : k));
    const preset = where[0] === 'agents' && where[1] && isPreset(where[1]) ? where[1] : null;
    const help = preset ? `the ${preset} preset has the fields ${PRESET_SETTING_FIELDS[preset].map((f) => `agents.${preset}.${f}`).join(', ')}` : KEYS_HELP;
    return `unknown setting${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}; ${help}`;
  }
  // agents.<preset>.env.<NAME> → the env field; agents.<preset>.args.3 → the args field.
  const keyPath = where[0] === 'agents' ? where.slice(0, 3) : where.slice(0, 1);
  const name = keyPath.join('.');
  const key = parseSettingKey(name);
  const allowed = key.ok ? specOf(key.value).allowed : 'a valid value';
  const detail = issue.message && issue.message !== 'Invalid input' && where.length > keyPath.length ? ` (${where.join('.')}: ${issue.message})` : '';
  return `${name || 'the settings'}: not allowed${detail}; it takes ${allowed}`;
}

/** The agent fields that have a default when unset (what the presets use: electron/core/agents/presets/launch.ts). */
export const AGENT_FIELD_DEFAULTS: { readonly modelTimeoutSeconds: number } = { modelTimeoutSeconds: 60 };

/** The default of a key; undefined where there is none (most agent fields, env variables). */
function defaultValue(key: SettingKey): unknown {
  if (key.kind === 'top') return DEFAULT_SETTINGS[key.key];
  if (key.kind === 'agent' && key.field === 'modelTimeoutSeconds') return AGENT_FIELD_DEFAULTS.modelTimeoutSeconds;
  return undefined;
}

/**
 * The effective settings: per key the repository's value, else the user's, else the default. The
 * presets' fields count one by one (a repository may set agents.claude.model and still take
 * agents.claude.path from the user); `args` and `env` each count as one value.
 */
export function resolveSettings(user: SettingsLayer, repository: SettingsLayer | null): Settings {
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const key of TOP_LEVEL_SETTING_KEYS) {
    const value = repository?.[key] !== undefined ? repository[key] : user[key];
    if (value !== undefined) settings[key] = value;
  }
  const agents: Record<string, AgentOverride> = {};
  for (const preset of AGENT_PRESET_IDS) {
    const merged = { ...(user.agents?.[preset] ?? {}), ...(repository?.agents?.[preset] ?? {}) };
    if (Object.keys(merged).length) agents[preset] = merged;
  }
  settings.agents = agents;
  return settings as Settings;
}

/** Every key with its effective value and where it comes from (an environment counts as one value;
 * its variables are also reachable one by one as agents.<preset>.env.NAME). */
export function settingEntries(user: SettingsLayer, repository: SettingsLayer | null): SettingEntry[] {
  return settingKeys().map((name) => settingEntry(name, user, repository));
}

/** One key's entry (`agents.claude.env.FOO` included). Throws on an unknown key: check it first. */
export function settingEntry(name: string, user: SettingsLayer, repository: SettingsLayer | null): SettingEntry {
  const key = parseSettingKey(name);
  if (!key.ok) throw new Error(key.message);
  const s = specOf(key.value);
  const u = layerValue(user, key.value);
  const r = layerValue(repository, key.value);
  const d = defaultValue(key.value);
  const source: SettingSource = r !== undefined ? 'repository' : u !== undefined ? 'user' : 'default';
  const effective = r !== undefined ? r : u !== undefined ? u : (d ?? null);
  return {
    key: name,
    allowed: s.allowed,
    about: s.about,
    kind: s.kind,
    ...(s.values ? { values: [...s.values] } : {}),
    effective,
    source,
    ...(u !== undefined ? { user: u } : {}),
    ...(r !== undefined ? { repository: r } : {}),
    ...(d !== undefined ? { default: d } : {}),
  };
}

/**
 * A scope's file as stored before scopes existed held every key, defaults included (each save
 * wrote the whole object), so a value equal to its default there was no choice of anyone's: read as
 * not set, it lets the user's settings apply. Anything else is kept.
 */
export function upgradeLegacyLayer(raw: Record<string, unknown>): Record<string, unknown> {
  if (raw.version !== undefined) return raw;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'agents') {
      if (value && typeof value === 'object' && Object.keys(value).length) out[key] = value;
      continue;
    }
    const d = isTopLevel(key) ? DEFAULT_SETTINGS[key] : undefined;
    if (d !== undefined && JSON.stringify(d) === JSON.stringify(value)) continue;
    out[key] = value;
  }
  return out;
}
