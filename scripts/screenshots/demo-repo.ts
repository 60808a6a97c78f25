import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The demo repository the README's screenshots show: a small TypeScript invoicing library and six
 * sessions in the states a supervisor meets, all made through the real `council` CLI (its own OS
 * process, as a user or an agent's hook runs it) and real git. The one session that needs an agent
 * (its review is sent to the agent, which answers with an edit) runs the deterministic fake agent
 * (tests/support/fake-agent.mjs) as its Claude Code preset's program.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COUNCIL_BIN = path.join(REPO_ROOT, 'bin', 'council.cjs');
const FAKE_AGENT = path.join(REPO_ROOT, 'tests', 'support', 'fake-agent.mjs');

/**
 * The clock of the repository's own commits: two days before today, at 09:30 UTC, so a re-run on the
 * same day makes the same history (the sessions' commits take the real time, as an agent's would).
 */
function baseDate(): string {
  const day = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
  return `${day.toISOString().slice(0, 10)}T09:30:00Z`;
}

export interface DemoSession {
  id: string;
  branch: string;
  worktreePath: string;
  task: string;
}

export interface Demo {
  /** The folder everything lives in (removed and made again on each build). */
  dir: string;
  /** HOME for every process: its ~/.council holds the worktrees, its config the user settings. */
  home: string;
  root: string;
  env: Record<string, string>;
  sessions: {
    vat: DemoSession;
    email: DemoSession;
    csv: DemoSession;
    discounts: DemoSession;
    temporal: DemoSession;
    intl: DemoSession;
  };
}

const FILES: Record<string, string> = {
  'README.md': '# invoicely\n\nTiny invoicing for small shops: line items, VAT, money formatting.\n\n```sh\nnpm install && npm test\n```\n',
  'package.json': `${JSON.stringify({ name: 'invoicely', version: '0.4.1', type: 'module', scripts: { test: 'vitest run', build: 'tsc -p .' }, devDependencies: { typescript: '^5.6.0', vitest: '^2.1.0' } }, null, 2)}\n`,
  'tsconfig.json': `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, outDir: 'dist' }, include: ['src'] }, null, 2)}\n`,
  'src/invoice.ts': [
    "import { vatFor, type Country } from './tax';",
    '',
    'export interface LineItem {',
    '  description: string;',
    '  quantity: number;',
    '  unitPrice: number; // in cents',
    '}',
    '',
    'export interface Invoice {',
    '  number: string;',
    '  customer: string;',
    '  country: Country;',
    '  items: LineItem[];',
    '}',
    '',
    'export function subtotal(invoice: Invoice): number {',
    '  return invoice.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);',
    '}',
    '',
    'export function total(invoice: Invoice): number {',
    '  const net = subtotal(invoice);',
    '  return net + vatFor(invoice.country, net);',
    '}',
    '',
  ].join('\n'),
  'src/tax.ts': [
    "export type Country = 'DE' | 'FR' | 'NL' | 'US';",
    '',
    'const RATES: Record<Country, number> = { DE: 0.19, FR: 0.2, NL: 0.21, US: 0 };',
    '',
    '/** VAT on a net amount in cents, rounded half up. */',
    'export function vatFor(country: Country, net: number): number {',
    '  return Math.round(net * RATES[country]);',
    '}',
    '',
  ].join('\n'),
  'src/format.ts': [
    '/** 1234567 cents → "12,345.67 EUR". */',
    "export function formatMoney(cents: number, currency = 'EUR'): string {",
    '  const units = Math.floor(cents / 100);',
    "  const rest = String(cents % 100).padStart(2, '0');",
    "  return `${units.toLocaleString('en-US')}.${rest} ${currency}`;",
    '}',
    '',
  ].join('\n'),
  'src/customer.ts': [
    'export interface Customer {',
    '  name: string;',
    '  email: string;',
    '}',
    '',
    'export function createCustomer(name: string, email: string): Customer {',
    '  return { name, email };',
    '}',
    '',
  ].join('\n'),
  'src/dates.ts': [
    '/** The due date: `days` after the issue date, as YYYY-MM-DD. */',
    'export function dueDate(issued: Date, days = 30): string {',
    '  const due = new Date(issued.getTime() + days * 24 * 60 * 60 * 1000);',
    '  return due.toISOString().slice(0, 10);',
    '}',
    '',
  ].join('\n'),
  'test/invoice.test.ts': [
    "import { expect, it } from 'vitest';",
    "import { total } from '../src/invoice';",
    '',
    "it('adds German VAT', () => {",
    "  expect(total({ number: 'INV-1', customer: 'Kaffeehaus', country: 'DE', items: [{ description: 'Beans', quantity: 2, unitPrice: 1250 }] })).toBe(2975);",
    '});',
    '',
  ].join('\n'),
};

/** What the email session's agent writes on its first run, and after the review (line 9 changed, line 7 not). */
const CUSTOMER_V1 = [
  'export interface Customer {',
  '  name: string;',
  '  email: string;',
  '}',
  '',
  'export function createCustomer(name: string, email: string): Customer {',
  '  if (!isEmail(email)) throw new Error(`not an email address: ${email}`);',
  '  return { name, email };',
  '}',
  '',
  'export function isEmail(value: string): boolean {',
  '  return /.+@.+/.test(value);',
  '}',
  '',
].join('\n');
const CUSTOMER_TEST = [
  "import { expect, it } from 'vitest';",
  "import { createCustomer, isEmail } from '../src/customer';",
  '',
  "it('accepts an email address', () => expect(isEmail('ada@invoicely.dev')).toBe(true));",
  "it('refuses a name', () => expect(() => createCustomer('Ada', 'Ada Lovelace')).toThrow('not an email address'));",
  '',
].join('\n');
const CUSTOMER_V2 = CUSTOMER_V1.replace('/.+@.+/', '/^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$/');

function env(home: string): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  // No node_modules/.bin on PATH and no app bin: no real agent CLI can be found or started.
  base.PATH = (base.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '' && !dir.split(path.sep).includes('node_modules'))
    .join(path.delimiter);
  for (const key of Object.keys(base)) if (key.startsWith('COUNCIL_') || key.startsWith('GIT_')) delete base[key];
  return {
    ...base,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    COUNCIL_APP_BIN: '',
    GIT_AUTHOR_NAME: 'Ada Lovelace',
    GIT_AUTHOR_EMAIL: 'ada@invoicely.dev',
    GIT_COMMITTER_NAME: 'Ada Lovelace',
    GIT_COMMITTER_EMAIL: 'ada@invoicely.dev',
    GIT_CONFIG_NOSYSTEM: '1',
    TZ: 'UTC',
  };
}

function write(dir: string, rel: string, content: string): void {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

const edit = (dir: string, rel: string, from: string, to: string): void => {
  const file = path.join(dir, rel);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${rel} has no ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
};

/**
 * Builds the demo in `dir` (removed first): the repository, its six sessions and their states.
 * Every step is the real CLI; a step that fails throws with what the CLI printed.
 */
export async function buildDemo(dir: string): Promise<Demo> {
  rmSync(dir, { recursive: true, force: true });
  const home = path.join(dir, 'home');
  const root = path.join(home, 'code', 'invoicely');
  mkdirSync(root, { recursive: true });
  const vars = env(home);
  const dated = { ...vars, GIT_AUTHOR_DATE: baseDate(), GIT_COMMITTER_DATE: baseDate() };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env: dated, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const cli = (args: string[], expectCode = 0): string => {
    const run = spawnSync(process.execPath, [COUNCIL_BIN, ...args], { cwd: root, env: vars, encoding: 'utf8', timeout: 120_000 });
    if (run.status !== expectCode) throw new Error(`council ${args.join(' ')} exited ${run.status} (wanted ${expectCode}):\n${run.stdout}\n${run.stderr}`);
    return run.stdout;
  };
  const json = <T>(args: string[]): T => {
    const out = JSON.parse(cli(['--json', ...args])) as { ok: boolean; value: T; error?: { message: string } };
    if (!out.ok) throw new Error(`council ${args.join(' ')}: ${out.error?.message}`);
    return out.value;
  };
  const create = (task: string): DemoSession => (json<DemoSession[]>(['session', 'create', '--task', task]))[0] as DemoSession;
  const status = (s: DemoSession, value: string, extra: string[] = []) => cli(['context', 'update', '-s', s.id, '--status', value, ...extra]);
  const context = (s: DemoSession) => json<{ context: { history: { message?: string }[] } }>(['session', 'show', s.id]).context;
  /** Starts Claude Code (the fake agent) headless in the session, busy for 15 minutes (stopped by stopDemoAgents). */
  const startBusyAgent = async (s: DemoSession, says: string) => {
    const steps = [{ claude: 'init', sessionId: `demo-${s.id}`, model: 'claude-sonnet-4-5' }, { claude: 'text', text: says }, { sleep: 900_000 }];
    writeFileSync(path.join(dir, 'agent-scripts', `${s.id}.json`), JSON.stringify(steps));
    cli(['send', s.id, '--start', '--agent', 'claude', '-m', s.task]);
    await until(() => context(s).history.some((h) => h.message?.includes('started')), `session ${s.id}'s agent to start`);
  };

  git('init', '-q', '-b', 'main');
  for (const [rel, content] of Object.entries(FILES)) write(root, rel, content);
  git('add', '-A');
  git('commit', '-q', '-m', 'invoicely 0.4.1: invoices, VAT, money formatting');

  // The agent preset the email session runs: the fake agent behind a program that answers --version.
  const agentDir = path.join(home, '.local', 'bin');
  mkdirSync(agentDir, { recursive: true });
  const script = path.join(dir, 'agent-script.json');
  const program = path.join(agentDir, 'claude');
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  // Its script: the session's own (scripts/<COUNCIL_SESSION_ID>.json, which every agent the app
  // starts has in its environment) or the shared one; its pid is noted so the demo can stop it.
  const scripts = path.join(dir, 'agent-scripts');
  mkdirSync(scripts, { recursive: true });
  writeFileSync(program, [
    '#!/bin/sh',
    'if [ "$1" = "--version" ]; then echo "2.1.0 (Claude Code)"; exit 0; fi',
    `script=${quote(scripts)}/"$COUNCIL_SESSION_ID".json`,
    `[ -f "$script" ] || script=${quote(script)}`,
    `echo $$ >> ${quote(path.join(dir, 'agent-pids'))}`,
    `exec ${quote(process.execPath)} ${quote(FAKE_AGENT)} --script-file "$script" "$@"`,
    '',
  ].join('\n'));
  chmodSync(program, 0o755);
  cli(['settings', 'set', 'agents.claude.path', program, '--user']);
  cli(['settings', 'set', 'agents.claude.model', 'claude-sonnet-4-5', '--user']);
  const claudeRun = (content: string, says: string, test?: string) => [
    { claude: 'init', sessionId: 'demo-email-1', model: 'claude-sonnet-4-5' },
    { claude: 'text', text: 'Reading src/customer.ts.' },
    { claude: 'write', path: 'src/customer.ts', content },
    ...(test ? [{ claude: 'write', path: 'test/customer.test.ts', content: test }] : []),
    { claude: 'result', text: says, costUsd: 0.0412 },
  ];

  // 1. Needs input: a question for the person, a file locked.
  const vat = create('Round VAT per line item for EU invoices');
  edit(vat.worktreePath, 'src/tax.ts', '/** VAT on a net amount in cents, rounded half up. */', '/** VAT on a net amount in cents, rounded half up per line item (EU rule). */');
  edit(vat.worktreePath, 'src/tax.ts', '  return Math.round(net * RATES[country]);', '  const rate = RATES[country];\n  return Math.round(net * rate);');
  cli(['lock', 'acquire', 'src/tax.ts', '-s', vat.id]);
  await startBusyAgent(vat, 'VAT is rounded once on the invoice total; EU rules want it per line item.');
  status(vat, 'needs-input', ['--file', 'src/tax.ts', '--message', 'Round per line for US invoices too, or keep rounding the total there?']);

  // 2. Done, reviewed: its agent wrote the change; two comments went back; it fixed one.
  writeFileSync(script, JSON.stringify(claudeRun(CUSTOMER_V1, 'Added isEmail and a check in createCustomer.', CUSTOMER_TEST)));
  const runOut = json<{ session: DemoSession }[] | { sessionId: string }[]>(['run', '--agent', 'claude', '--task', 'Validate customer email addresses on signup', '--wait']);
  const emailId = (runOut[0] as { session?: DemoSession; sessionId?: string }).session?.id ?? (runOut[0] as { sessionId: string }).sessionId;
  const email = (json<DemoSession[]>(['session', 'list'])).find((s) => s.id === emailId) as DemoSession;
  cli(['session', 'commit', email.id, '-m', 'Validate email addresses in createCustomer']);
  cli(['review', 'comment', email.id, 'src/customer.ts:12', '-m', "This accepts 'a@b' and 'x y@z': require a dot in the domain and no spaces."]);
  cli(['review', 'comment', email.id, 'src/customer.ts:7', '-m', 'Trim and lower-case the address before checking it, so " Ada@Shop.de" is accepted.']);
  writeFileSync(script, JSON.stringify(claudeRun(CUSTOMER_V2, 'Tightened the pattern: a dot in the domain, no spaces.')));
  cli(['review', 'send', email.id, '-m', 'Close, two things before this can merge.']);
  await until(() => readFileSync(path.join(email.worktreePath, 'src/customer.ts'), 'utf8') === CUSTOMER_V2, 'the email session agent to answer the review');
  await until(() => json<{ status: string }>(['review', 'show', email.id]).status === 'ready-for-re-review', 'the email session to be ready for re-review');
  cli(['session', 'commit', email.id, '-m', 'isEmail: require a dot in the domain, no spaces']);

  // 3. Working, on the file the discounts session also changes.
  const csv = create('Export invoices as CSV for the accountant');
  write(csv.worktreePath, 'src/export/csv.ts', [
    "import { total, type Invoice } from '../invoice';",
    "import { formatMoney } from '../format';",
    '',
    "const HEADER = ['number', 'customer', 'country', 'total'];",
    '',
    'export function toCsv(invoices: Invoice[]): string {',
    '  const rows = invoices.map((inv) => [inv.number, inv.customer, inv.country, formatMoney(total(inv))]);',
    "  return [HEADER, ...rows].map((row) => row.map(quote).join(',')).join('\\n');",
    '}',
    '',
    'function quote(cell: string): string {',
    '  return /[",\\n]/.test(cell) ? `"${cell.replace(/"/g, \'""\')}"` : cell;',
    '}',
    '',
  ].join('\n'));
  write(csv.worktreePath, 'test/export.test.ts', [
    "import { expect, it } from 'vitest';",
    "import { toCsv } from '../src/export/csv';",
    '',
    "it('quotes a customer name with a comma', () => {",
    "  const csv = toCsv([{ number: 'INV-7', customer: 'Smith, Jones & Co', country: 'NL', items: [] }]);",
    "  expect(csv.split('\\n')[1]).toBe('INV-7,\"Smith, Jones & Co\",NL,0.00 EUR');",
    '});',
    '',
  ].join('\n'));
  edit(csv.worktreePath, 'src/invoice.ts', '  const net = subtotal(invoice);\n  return net + vatFor(invoice.country, net);', '  const net = subtotal(invoice);\n  const vat = vatFor(invoice.country, net);\n  return net + vat; // exported rows show the gross amount');
  cli(['lock', 'acquire', 'src/export/csv.ts', '-s', csv.id]);
  await startBusyAgent(csv, 'Writing toCsv in src/export/csv.ts.');
  status(csv, 'working', ['--file', 'src/export/csv.ts', '--progress', '3/5 tests pass', '--message', 'Quoting cells with commas and quotes']);

  // 4. Also working, colliding with the CSV session on src/invoice.ts.
  const discounts = create('Add discount codes to invoices');
  edit(discounts.worktreePath, 'src/invoice.ts', "  items: LineItem[];\n}", "  items: LineItem[];\n  discountCode?: string;\n}\n\nconst DISCOUNTS: Record<string, number> = { WELCOME10: 0.1, SPRING25: 0.25 };");
  edit(discounts.worktreePath, 'src/invoice.ts', '  const net = subtotal(invoice);\n  return net + vatFor(invoice.country, net);', '  const rate = DISCOUNTS[invoice.discountCode ?? ""] ?? 0;\n  const net = Math.round(subtotal(invoice) * (1 - rate));\n  return net + vatFor(invoice.country, net);');
  edit(discounts.worktreePath, 'test/invoice.test.ts', '\n});\n', [
    '\n});',
    '',
    "it('takes a discount code off before VAT', () => {",
    "  expect(total({ number: 'INV-2', customer: 'Kaffeehaus', country: 'DE', discountCode: 'WELCOME10', items: [{ description: 'Beans', quantity: 2, unitPrice: 1250 }] })).toBe(2678);",
    '});',
    '',
  ].join('\n'));
  edit(discounts.worktreePath, 'README.md', 'VAT, money formatting.', 'VAT, money formatting, discount codes (`WELCOME10`, `SPRING25`).');
  cli(['lock', 'acquire', 'src/invoice.ts', '-s', discounts.id]);
  await startBusyAgent(discounts, 'Adding discountCode to Invoice.');
  status(discounts, 'working', ['--file', 'src/invoice.ts', '--message', 'Applying the discount before VAT']);

  // 5. Failed.
  const temporal = create('Migrate due dates to Temporal');
  write(temporal.worktreePath, 'src/dates.ts', [
    "import { Temporal } from '@js-temporal/polyfill';",
    '',
    '/** The due date: `days` after the issue date, as YYYY-MM-DD. */',
    'export function dueDate(issued: Temporal.PlainDate, days = 30): string {',
    '  return issued.add({ days }).toString();',
    '}',
    '',
  ].join('\n'));
  status(temporal, 'failed', ['--file', 'src/dates.ts', '--message', "tsc: Cannot find module '@js-temporal/polyfill' (4 errors)"]);

  // 6. Parked in the merge queue: main changed the same lines meanwhile.
  const intl = create('Format money with Intl.NumberFormat');
  edit(intl.worktreePath, 'src/format.ts', "  const units = Math.floor(cents / 100);\n  const rest = String(cents % 100).padStart(2, '0');\n  return `${units.toLocaleString('en-US')}.${rest} ${currency}`;", "  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);");
  edit(intl.worktreePath, 'src/format.ts', '/** 1234567 cents → "12,345.67 EUR". */', '/** 1234567 cents → "€12,345.67". */');
  status(intl, 'done', ['--message', 'formatMoney now uses Intl.NumberFormat']);
  edit(root, 'src/format.ts', "  return `${units.toLocaleString('en-US')}.${rest} ${currency}`;", "  const sign = cents < 0 ? '-' : '';\n  return `${sign}${Math.abs(units).toLocaleString('en-US')}.${rest} ${currency}`;");
  git('commit', '-q', '-am', 'formatMoney: negative amounts (credit notes)');
  cli(['merge', intl.id, '--no-gate', '--wait'], 3);

  const sessions = { vat, email, csv, discounts, temporal, intl };
  return { dir, home, root, env: vars, sessions };
}

/** Stops the demo's busy agents (the fake agent processes this demo started, by their pids). */
export function stopDemoAgents(dir: string): void {
  let pids: string[];
  try {
    pids = readFileSync(path.join(dir, "agent-pids"), 'utf8').split('\n').filter((line) => /^\d+$/.test(line));
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGTERM');
    } catch {
      // already ended
    }
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let ok: boolean;
    try {
      ok = check();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
