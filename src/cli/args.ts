// argv → { command, options, positionals }. node:util parseArgs does the tokenising;
// the checks are ours so that every usage error names the flag and the command, and
// never echoes a token someone pasted into the command line.
import { parseArgs as tokenise } from 'node:util';
import { closestMatch } from '../config/closest-match.js';
import { parseNotionId } from '../config/notion-id.js';
import { redactSecrets } from '../config/redact-secrets.js';

/** The commands notion-kb runs. */
export const COMMAND_NAMES = ['sync', 'verify', 'diff', 'prune', 'demo', 'export'] as const;

/** A command notion-kb runs. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** How an option's value is read. */
export type OptionKind = 'boolean' | 'string' | 'rate' | 'positive-integer' | 'count' | 'notion-id-list';

/** One command-line option: the parser and the help text both read this. */
export interface OptionSpec {
  readonly name: keyof CommandOptions;
  /** The flag without its dashes when it differs from `name` (`keep-last` for keepLast). */
  readonly flag?: string;
  readonly kind: OptionKind;
  /** Placeholder shown in help, e.g. "<dir>". */
  readonly value?: string;
  readonly description: string;
}

/** The options of every command; those a command does not take keep these defaults. */
export interface CommandOptions {
  out?: string;
  config?: string;
  /** Requests per second, or `auto` (learn the connection's budget from Notion's answers). */
  rate?: number | 'auto';
  concurrency?: number;
  /** --root values as dashed lowercase UUIDs (URLs already resolved). */
  root: string[];
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** verify: every snapshot in the output directory. */
  all: boolean;
  /** prune: what would be removed, without removing it. */
  dryRun: boolean;
  /** sync: crawl everything even when the sync state allows an incremental run. */
  full: boolean;
  /** prune: retention overrides (config `retention`). */
  keepLast?: number;
  keepDaily?: number;
  keepMonthly?: number;
  /** export: the bundle's name (file name without extension). */
  name?: string;
  /** export: the bundle's archive format (config export.format). */
  format?: 'zip' | 'tar.gz';
}

/** The flag of an option, without its dashes. */
export function flagName(spec: OptionSpec): string {
  return spec.flag ?? spec.name;
}

type BooleanOption = 'json' | 'quiet' | 'verbose' | 'all' | 'dryRun' | 'full';

/** The parsed command line. `help` and `version` are answered by the CLI itself. */
export interface ParsedArgs {
  readonly command: CommandName | 'help' | 'version';
  /** For `help`: the command whose help was asked for (absent: the tool's help). */
  readonly topic?: CommandName;
  readonly options: CommandOptions;
  readonly positionals: string[];
}

/** A command line that cannot be run; the CLI prints the message and exits with 2. */
export class UsageError extends Error {
  readonly code = 'usage' as const;
  /** The command whose help the user should read (absent: the tool's help). */
  readonly command?: CommandName;

  constructor(message: string, command?: CommandName) {
    const help = command === undefined ? 'notion-kb --help' : `notion-kb ${command} --help`;
    super(`${redactSecrets(message)}\nRun "${help}" for usage.`);
    this.name = 'UsageError';
    if (command !== undefined) this.command = command;
  }
}

const OUT: OptionSpec = {
  name: 'out',
  kind: 'string',
  value: '<dir>',
  description: 'Directory for snapshots (default: output.dir in the config, "output").',
};
const DEMO_OUT: OptionSpec = { ...OUT, description: 'Directory for the demo snapshots (default: output/demo, apart from any real archive).' };
const CONFIG: OptionSpec = {
  name: 'config',
  kind: 'string',
  value: '<file>',
  description: 'Config file (default: config/notion-kb.yaml, if it exists).',
};
const RATE: OptionSpec = {
  name: 'rate',
  kind: 'rate',
  value: '<n|auto>',
  description:
    "Average API requests per second (default: 3, Notion's published limit), or auto: learn the connection's budget per minute from Notion's answers and spend all of it (for the close-out export or a first sync; it leaves less of the workspace's shared limit to other integrations).",
};
const CONCURRENCY: OptionSpec = {
  name: 'concurrency',
  kind: 'positive-integer',
  value: '<n>',
  description: 'API requests in flight at once (default: 3).',
};
const ROOT: OptionSpec = {
  name: 'root',
  kind: 'notion-id-list',
  value: '<id-or-url>',
  description:
    'Export only this page or database and everything below it; repeatable (default: everything shared with the integration).',
};
const JSON_OUTPUT: OptionSpec = {
  name: 'json',
  kind: 'boolean',
  description: 'Print one JSON object on stdout whatever the outcome: the summary, or status, exitCode and error (code, message).',
};
const QUIET: OptionSpec = { name: 'quiet', kind: 'boolean', description: 'Print only warnings and errors (no progress, no summary).' };
const VERBOSE: OptionSpec = {
  name: 'verbose',
  kind: 'boolean',
  description: 'Print every request, retry and wait for the rate limit, and the effective configuration (token redacted).',
};

const FULL: OptionSpec = {
  name: 'full',
  kind: 'boolean',
  description:
    'Fetch every page again, even when the sync state of the last run allows fetching only what changed, and audit the latest snapshot: pages not edited since must come out the same (run it weekly).',
};
const ALL: OptionSpec = { name: 'all', kind: 'boolean', description: 'Check every snapshot in the output directory, one line each.' };
const KEEP_LAST: OptionSpec = {
  name: 'keepLast',
  flag: 'keep-last',
  kind: 'count',
  value: '<n>',
  description: 'Keep the newest n snapshots (default: retention.keepLast in the config, 7).',
};
const KEEP_DAILY: OptionSpec = {
  name: 'keepDaily',
  flag: 'keep-daily',
  kind: 'count',
  value: '<n>',
  description: 'Keep the newest snapshot of each of the newest n days, UTC (default: retention.keepDaily, 30).',
};
const KEEP_MONTHLY: OptionSpec = {
  name: 'keepMonthly',
  flag: 'keep-monthly',
  kind: 'count',
  value: '<n>',
  description: 'Keep the newest snapshot of each of the newest n months, UTC (default: retention.keepMonthly, 12).',
};
const DRY_RUN: OptionSpec = { name: 'dryRun', flag: 'dry-run', kind: 'boolean', description: 'Print what would be removed; remove nothing.' };

const NAME: OptionSpec = {
  name: 'name',
  kind: 'string',
  value: '<name>',
  description: 'Name of the bundle file (without extension) and of the bag inside it (default: notion-kb-<workspace>-<date>).',
};
const FORMAT: OptionSpec = {
  name: 'format',
  kind: 'string',
  value: '<zip|tar.gz>',
  description: 'Archive format of the bundle (default: export.format in the config, zip).',
};
const EXPORT_OUT: OptionSpec = { ...OUT, description: 'Output directory: the snapshot goes to <dir>/snapshots/, the bundle to <dir>/exports/ (default: output.dir in the config, "output").' };

/** The options each command takes, in help order. */
export const COMMAND_OPTIONS: Readonly<Record<CommandName, readonly OptionSpec[]>> = {
  sync: [FULL, ROOT, OUT, CONFIG, RATE, CONCURRENCY, JSON_OUTPUT, QUIET, VERBOSE],
  export: [NAME, FORMAT, ROOT, EXPORT_OUT, CONFIG, RATE, CONCURRENCY, JSON_OUTPUT, QUIET, VERBOSE],
  verify: [ALL, OUT, CONFIG, JSON_OUTPUT],
  diff: [OUT, CONFIG, JSON_OUTPUT],
  prune: [KEEP_LAST, KEEP_DAILY, KEEP_MONTHLY, DRY_RUN, OUT, CONFIG, JSON_OUTPUT],
  demo: [DEMO_OUT, CONFIG, RATE, CONCURRENCY, JSON_OUTPUT, QUIET, VERBOSE],
};

/** How many positional arguments each command takes (at most; `diff` needs both). */
export const COMMAND_POSITIONALS: Readonly<Record<CommandName, number>> = { sync: 0, export: 0, verify: 1, diff: 2, prune: 0, demo: 0 };

const TOKEN_ADVICE =
  'the Notion token is read only from the NOTION_TOKEN environment variable, never from the command line ' +
  '(where shell history and process lists would keep it): NOTION_TOKEN=… notion-kb sync';

/** Parses the arguments after `notion-kb` (process.argv.slice(2)). Throws UsageError. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const terminator = argv.indexOf('--');
  const flagArea = terminator === -1 ? argv : argv.slice(0, terminator);
  // Checked first and for every spelling, so no later message can echo the value.
  const tokenFlag = flagArea.find((arg) => /^--?[^=]*token/i.test(arg));
  if (tokenFlag !== undefined) throw new UsageError(`${tokenFlag.split('=')[0]}: ${TOKEN_ADVICE}`);

  const commandIndex = flagArea.findIndex((arg) => !arg.startsWith('-'));
  const before = commandIndex === -1 ? flagArea : flagArea.slice(0, commandIndex);
  const wantsHelp = (args: readonly string[]) => args.some((a) => a === '--help' || a === '-h');
  const wantsVersion = (args: readonly string[]) => args.includes('--version');

  if (wantsHelp(before)) return { command: 'help', options: defaultOptions(), positionals: [] };
  if (wantsVersion(before)) return { command: 'version', options: defaultOptions(), positionals: [] };
  if (before.length > 0) {
    throw new UsageError(`${before[0]}: options go after the command (notion-kb <command> [options])`);
  }
  if (commandIndex === -1) {
    if (terminator !== -1) throw new UsageError('missing command before "--"');
    // A bare `notion-kb` is someone looking for help, not a mistake.
    return { command: 'help', options: defaultOptions(), positionals: [] };
  }

  const name = argv[commandIndex]!;
  const rest = argv.slice(commandIndex + 1);
  if (name === 'help') return helpFor(rest);
  const command = toCommand(name);
  if (wantsHelp(flagArea.slice(commandIndex + 1))) return { command: 'help', topic: command, options: defaultOptions(), positionals: [] };
  if (wantsVersion(flagArea.slice(commandIndex + 1))) return { command: 'version', options: defaultOptions(), positionals: [] };
  return parseCommand(command, rest);
}

function helpFor(rest: readonly string[]): ParsedArgs {
  if (rest.length > 1) throw new UsageError(`help takes at most one command (got ${rest.length} arguments)`);
  const topic = rest[0] === undefined ? undefined : toCommand(rest[0]);
  return { command: 'help', ...(topic !== undefined ? { topic } : {}), options: defaultOptions(), positionals: [] };
}

function toCommand(name: string): CommandName {
  if ((COMMAND_NAMES as readonly string[]).includes(name)) return name as CommandName;
  const near = closestMatch(name, COMMAND_NAMES);
  const hint = near === undefined ? `commands: ${COMMAND_NAMES.join(', ')}` : `did you mean "${near}"?`;
  throw new UsageError(`unknown command ${JSON.stringify(name)} (${hint})`);
}

function parseCommand(command: CommandName, args: readonly string[]): ParsedArgs {
  const specs = COMMAND_OPTIONS[command];
  const byName = new Map(specs.map((spec) => [flagName(spec), spec]));
  const fail = (message: string): never => {
    throw new UsageError(message, command);
  };
  const { tokens } = tokenise({
    args: [...args],
    // Strictness is enforced below, token by token, for messages that name flag and command.
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(
      specs.map((spec) => [
        flagName(spec),
        spec.kind === 'boolean' ? { type: 'boolean' as const } : { type: 'string' as const, multiple: spec.kind === 'notion-id-list' },
      ]),
    ),
  });

  const options = defaultOptions();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const spec = byName.get(token.name);
    if (spec === undefined) {
      const near = closestMatch(token.name, [...byName.keys()]);
      const owners = COMMAND_NAMES.filter((c) => COMMAND_OPTIONS[c].some((s) => flagName(s) === token.name));
      const hint =
        near !== undefined ? ` (did you mean --${near}?)` : owners.length > 0 ? ` (it is an option of ${owners.join(', ')})` : '';
      fail(`unknown option ${token.rawName} for "${command}"${hint}`);
      continue;
    }
    const flag = `--${flagName(spec)}`;
    if (spec.kind === 'boolean') {
      if (token.inlineValue === true) fail(`${flag} does not take a value`);
      options[spec.name as BooleanOption] = true;
      continue;
    }
    const value = token.value;
    // "--rate --json": tokenise takes the next flag as the value; "--rate -1" is a (bad) number.
    if (value === undefined || (token.inlineValue !== true && value.startsWith('-') && !isNumberLiteral(value))) {
      fail(`${flag} needs a value: ${flag} ${spec.value ?? '<value>'}`);
      continue;
    }
    readValue(spec, value, options, fail);
  }

  const maxPositionals = COMMAND_POSITIONALS[command];
  if (positionals.length > maxPositionals) {
    const extra = positionals[maxPositionals]!;
    const hint = command === 'sync' && parseNotionId(extra) !== null ? ` (to export one page, use --root ${extra})` : '';
    fail(
      maxPositionals === 0
        ? `${command} takes no arguments (got ${JSON.stringify(extra)})${hint}`
        : `${command} takes at most ${maxPositionals} argument${maxPositionals === 1 ? '' : 's'} (got ${JSON.stringify(extra)} too)`,
    );
  }
  if (options.quiet && options.verbose) fail('--quiet and --verbose cannot be used together');
  if (options.format !== undefined && options.format !== 'zip' && options.format !== 'tar.gz') fail(`--format: must be zip or tar.gz (got ${JSON.stringify(options.format)})`);
  if (command === 'verify' && options.all && positionals.length > 0) fail(`--all checks every snapshot; it takes no <snapshot-dir> (got ${JSON.stringify(positionals[0])})`);
  if (command === 'diff' && positionals.length < 2) {
    fail(positionals.length === 0 ? 'diff needs two snapshots: notion-kb diff <older> <newer>' : `diff needs a second snapshot to compare ${JSON.stringify(positionals[0])} with`);
  }
  return { command, options, positionals };
}

function readValue(spec: OptionSpec, value: string, options: CommandOptions, fail: (message: string) => never): void {
  const flag = `--${flagName(spec)}`;
  switch (spec.kind) {
    case 'string':
      if (value.trim() === '') fail(`${flag} needs a non-empty value`);
      (options as unknown as Record<string, string>)[spec.name] = value;
      return;
    case 'rate':
    case 'positive-integer': {
      const integer = spec.kind === 'positive-integer';
      if (!integer && value === 'auto') {
        options.rate = 'auto';
        return;
      }
      const n = isNumberLiteral(value) ? Number(value) : Number.NaN;
      if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
        fail(`${flag}: must be a positive ${integer ? 'integer' : 'number or auto'} (got ${JSON.stringify(value)})`);
      }
      options[spec.name as 'rate' | 'concurrency'] = n;
      return;
    }
    case 'count': {
      const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(n)) fail(`${flag}: must be a whole number, 0 or more (got ${JSON.stringify(value)})`);
      options[spec.name as 'keepLast' | 'keepDaily' | 'keepMonthly'] = n;
      return;
    }
    case 'notion-id-list': {
      const id = parseNotionId(value);
      if (id === null) fail(`${flag}: not a Notion page id or URL: ${JSON.stringify(value)}`);
      else if (!options.root.includes(id)) options.root.push(id);
      return;
    }
    case 'boolean':
      return;
  }
}

// Number() accepts "", "0x10", " 3 " and "Infinity"; a rate is written in decimal.
function isNumberLiteral(value: string): boolean {
  return /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(value);
}

function defaultOptions(): CommandOptions {
  return { root: [], json: false, quiet: false, verbose: false, all: false, dryRun: false, full: false };
}
