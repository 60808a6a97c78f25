import type { Command } from 'commander';
import { settingEntry, type SettingEntry, type SettingSource, type SettingsView } from '../../shared/settings';
import { parseSettingText } from '../../shared/settings-text';
import { discoverRepo } from '../core/git/repo';
import { CouncilError, invalidInput } from '../core/errors';
import type { Door, Face } from './core-call';
import { table } from './output';

/**
 * `council settings list|get|set|unset [--user]`: both scopes of settings from the command line,
 * through the same contract commands as the Settings screen (settings.list, settings.key,
 * settings.change), one per verb, through the front door (core-call.ts). Without --user a change
 * goes to this repository (overriding the user's settings here only); with --user to the user's
 * settings, for every repository.
 */

const SOURCE_WORDS: Record<SettingSource, string> = { default: 'default', user: 'user', repository: 'repository' };

/** A value as a person reads it: text as it is, nothing as (none), the rest as JSON. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The repository in question: --repo, or the one this folder is in; none (user scope only) when
 * there is none here and none was named. A named one that is no repository is an error. */
function repoOf(face: Face): string | undefined {
  try {
    return discoverRepo(face.repo()).mainRoot;
  } catch (err) {
    if (err instanceof CouncilError && err.code === 'not-a-repo' && face.repoOption === undefined) return undefined;
    throw err;
  }
}

function requireRepo(face: Face, user: boolean): string | undefined {
  if (user) return repoOf(face);
  const repo = repoOf(face);
  if (repo === undefined) throw new CouncilError('not-a-repo', `${process.cwd()} is not inside a git repository: run this inside one (or name it with --repo), or add --user to change the user settings, which every repository shares`);
  return repo;
}

const files = (view: SettingsView): string =>
  [`user settings:        ${view.files.user}`, view.files.repository ? `repository settings:  ${view.files.repository}` : 'repository settings:  (no repository here)'].join('\n');

/** When a user-scope value is hidden here by the repository's own: say so, and how to undo it. */
function shadowNote(entry: SettingEntry): string {
  if (entry.source !== 'repository' || entry.user === undefined) return '';
  return `\nnote: this repository sets ${entry.key} itself (${showValue(entry.repository)}), which wins here; \`council settings unset ${entry.key}\` hands it back to the user settings`;
}

export function settingsCommands(program: Command, door: Door): void {
  const settings = program
    .command('settings')
    .description('settings in two scopes: the user\'s (every repository; --user) and this repository\'s (overrides)')
    .addHelpText(
      'after',
      '\nKeys: `council settings list --all` shows every one, with what it accepts.\nExamples:\n  council settings set agents.claude.path /opt/claude/bin/claude --user\n  council settings set agents.claude.args -- --max-turns 30\n  council settings set agents.claude.env ANTHROPIC_BASE_URL=http://127.0.0.1:4000\n  council settings set concurrency 8\n  council settings unset concurrency',
    );

  settings
    .command('list')
    .description('every setting: its effective value and where it comes from (default, user, repository)')
    .option('--user', 'only what the user settings hold')
    .option('--all', "also the presets' keys that are not set anywhere, with what each accepts")
    .action(
      door(async (face, options) => {
        const { out, call } = face;
        const o = options as { user?: boolean; all?: boolean };
        const repo = repoOf(face);
        const view = await call('settings.list', repo === undefined ? {} : { repo });
        if (o.user) {
          const set = view.entries.filter((e) => e.user !== undefined);
          out.done({ file: view.files.user, settings: view.user }, () =>
            [set.length ? table(['KEY', 'VALUE'], set.map((e) => [e.key, showValue(e.user)])) : 'Nothing is set in the user settings.', '', `user settings: ${view.files.user}`].join('\n'),
          );
          return;
        }
        const shown = view.entries.filter((e) => o.all || !e.key.startsWith('agents.') || e.source !== 'default');
        out.done(view, () =>
          [
            table(o.all ? ['KEY', 'VALUE', 'FROM', 'ACCEPTS'] : ['KEY', 'VALUE', 'FROM'], shown.map((e) => [e.key, showValue(e.effective), SOURCE_WORDS[e.source], ...(o.all ? [e.allowed] : [])])),
            o.all ? '' : '\n(agents.<preset>.<path|model|args|env> that are not set are left out; --all lists every key)',
            files(view),
          ].join('\n'),
        );
      }),
    );

  settings
    .command('get')
    .description('one setting\'s effective value (with --user: what the user settings hold)')
    .argument('<key>', 'e.g. concurrency, agents.claude.path, agents.claude.env.ANTHROPIC_BASE_URL')
    .option('--user', 'the value in the user settings, not the effective one')
    .action(
      door(async (face, key, options) => {
        const { out, call } = face;
        const user = Boolean((options as { user?: boolean }).user);
        const repo = repoOf(face);
        const entry = await call('settings.key', { ...(repo === undefined ? {} : { repo }), key: String(key) });
        if (user && entry.user === undefined) {
          throw new CouncilError('not-found', `${entry.key} is not set in the user settings; its effective value is ${showValue(entry.effective)} (from ${SOURCE_WORDS[entry.source]})`);
        }
        const value = user ? entry.user : entry.effective;
        out.done(entry, () => (value === null ? '' : showValue(value)));
      }),
    );

  settings
    .command('set')
    .description('set a setting in this repository (or, with --user, for every repository)')
    .argument('<key>', 'e.g. agents.claude.path')
    .argument('[value...]', "the value: a list key takes each word as an element (after --), an env key NAME=value pairs, an empty '' clears a command")
    .option('--user', 'in the user settings (every repository), not this repository')
    .action(
      door(async (face, key, words, options) => {
        const { out, call } = face;
        const user = Boolean((options as { user?: boolean }).user);
        const name = String(key);
        const values = (words as string[] | undefined) ?? [];
        if (values.length === 0) throw invalidInput(`council settings set ${name}: the value is missing (to remove the setting: council settings unset ${name}${user ? ' --user' : ''})`);
        const parsed = parseSettingText(name, values);
        if (!parsed.ok) throw invalidInput(parsed.message);
        const repo = requireRepo(face, user);
        const view = await call('settings.change', { ...(repo === undefined ? {} : { repo }), scope: user ? 'user' : 'repository', set: { [name]: parsed.value } });
        // The key as it stands now, read from the picture the change answers with.
        const entry = settingEntry(name, view.user, view.repository);
        const file = user ? view.files.user : view.files.repository;
        out.done(entry, () => `${name} = ${showValue(parsed.value)}  (${user ? 'user' : 'repository'} settings: ${file})${shadowNote(entry)}`);
      }),
    );

  settings
    .command('unset')
    .description('remove a setting from this repository (or, with --user, from the user settings): the scope below applies again')
    .argument('<key>', 'e.g. agents.claude.path')
    .option('--user', 'from the user settings, not this repository')
    .action(
      door(async (face, key, options) => {
        const { out, call } = face;
        const user = Boolean((options as { user?: boolean }).user);
        const name = String(key);
        const repo = requireRepo(face, user);
        const view = await call('settings.change', { ...(repo === undefined ? {} : { repo }), scope: user ? 'user' : 'repository', unset: [name] });
        const entry = settingEntry(name, view.user, view.repository);
        out.done(entry, () => `${name} unset in the ${user ? 'user' : 'repository'} settings; now ${showValue(entry.effective)} (from ${SOURCE_WORDS[entry.source]})`);
      }),
    );
}
