// Help texts. Option lines come from COMMAND_OPTIONS, the table the parser reads, so
// help cannot list a flag the parser rejects or miss one it accepts.
import { COMMAND_NAMES, COMMAND_OPTIONS, flagName, type CommandName, type OptionSpec } from './args.js';

/** Exit codes of every notion-kb command; the CLI maps results to these and help documents them. */
export const EXIT_CODES = {
  /** Everything exported (or verified) completely. */
  complete: 0,
  /** The run failed; nothing was published. */
  failed: 1,
  /** Bad command line or configuration; nothing was done. */
  usage: 2,
  /** A snapshot was published, but some pages or files failed; the report lists them by page and block id. */
  partial: 3,
} as const;

interface CommandHelp {
  readonly usage: string;
  readonly summary: string;
  readonly description: string;
  readonly positionals?: readonly [string, string][];
  readonly env: readonly string[];
  readonly exitCodes: readonly [number, string][];
  readonly examples: readonly string[];
}

const ENV_LINES: Record<string, string> = {
  NOTION_TOKEN:
    'The integration token (required). Read only from the environment: never pass it as a flag or put it in a file.',
  NOTION_BASE_URL: 'API origin (default: notion.baseUrl in the config, else https://api.notion.com).',
};

const RUN_EXIT_CODES: readonly [number, string][] = [
  [EXIT_CODES.complete, 'complete: every page exported and a snapshot published (or nothing changed: none needed)'],
  [EXIT_CODES.failed, 'failed: nothing published (the previous snapshot is untouched)'],
  [EXIT_CODES.usage, 'usage or configuration error: nothing done'],
  [EXIT_CODES.partial, 'published, but some pages or files failed: the report lists them by page and block id'],
];

const COMMANDS: Readonly<Record<CommandName, CommandHelp>> = {
  sync: {
    usage: 'notion-kb sync [options]',
    summary: 'Export the Notion workspace into a new snapshot',
    description: [
      'Reads every page and database shared with the integration (or only the --root ones and',
      'everything below them) through the Notion API and publishes a new, checksummed snapshot of',
      'Markdown and JSON files, with images and attachments, in the output directory.',
      'Anything that cannot be exported is reported by page id and block id.',
    ].join('\n'),
    env: ['NOTION_TOKEN', 'NOTION_BASE_URL'],
    exitCodes: RUN_EXIT_CODES,
    examples: [
      'NOTION_TOKEN=ntn_… notion-kb sync',
      'notion-kb sync --root https://www.notion.so/my-team/Wiki-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d',
      'notion-kb sync --out archive --rate 2 --json > summary.json',
    ],
  },
  export: {
    usage: 'notion-kb export [options]',
    summary: 'Export everything into one bundle to deposit: a BagIt bag with an offline site',
    description: [
      'Runs a full sync (never incremental, comments included) and publishes the snapshot as usual,',
      'with an offline website in its site/ folder. Then packs the snapshot as a BagIt bag (RFC 8493:',
      'bagit.txt, bag-info.txt, sha256 manifests, the snapshot under data/) into one .zip or .tar.gz',
      'file in <out>/exports/, and prints its path, size and sha256. Check it with notion-kb verify <file>.',
    ].join('\n'),
    env: ['NOTION_TOKEN', 'NOTION_BASE_URL'],
    exitCodes: [
      [EXIT_CODES.complete, 'complete: snapshot published and bundle written'],
      [EXIT_CODES.failed, 'failed: nothing published, or the bundle could not be written'],
      [EXIT_CODES.usage, 'usage or configuration error, or a bundle of that name exists: nothing done'],
      [EXIT_CODES.partial, 'published and bundled, but some pages or files failed: the report lists them'],
    ],
    examples: [
      'NOTION_TOKEN=ntn_… notion-kb export',
      'notion-kb export --rate auto',
      'notion-kb export --format tar.gz --name wiki-final --json',
    ],
  },
  verify: {
    usage: 'notion-kb verify [<snapshot-dir> | <bundle>] [options]',
    summary: 'Check a snapshot against its checksums',
    description: [
      'Checks that every file of a snapshot is present and matches its recorded checksum, and that',
      'nothing unrecorded was added. Needs no token and no network.',
    ].join('\n'),
    positionals: [
      ['<snapshot-dir>', 'Snapshot to check (default: the latest snapshot in the output directory).'],
      ['<bundle>', 'Or a bundle of notion-kb export (.zip, .tar.gz) or any BagIt bag directory: every manifest entry, Payload-Oxum, no unlisted file. Prints a bundle file\'s sha256.'],
    ],
    env: [],
    exitCodes: [
      [EXIT_CODES.complete, 'the snapshot (with --all: every snapshot) is intact'],
      [EXIT_CODES.failed, 'problems found (each one listed) or no snapshot to check'],
      [EXIT_CODES.usage, 'usage or configuration error: nothing checked'],
    ],
    examples: ['notion-kb verify', 'notion-kb verify --out archive --json', 'notion-kb verify --all'],
  },
  diff: {
    usage: 'notion-kb diff <older> <newer> [options]',
    summary: 'Show what changed between two snapshots',
    description: [
      'Compares two snapshots: pages and databases added, updated (their content digest differs),',
      'moved, renamed and removed, with their paths. With --json it prints one JSON object shaped',
      'like a snapshot\'s changes.json. Needs no token and no network.',
    ].join('\n'),
    positionals: [
      ['<older>', 'A snapshot id (a directory under <out>/snapshots/), a snapshot directory, or "latest".'],
      ['<newer>', 'The same, for the newer snapshot.'],
    ],
    env: [],
    exitCodes: [
      [EXIT_CODES.complete, 'compared (whether or not anything changed)'],
      [EXIT_CODES.failed, 'a snapshot could not be read'],
      [EXIT_CODES.usage, 'usage or configuration error, or no such snapshot: nothing compared'],
    ],
    examples: ['notion-kb diff 20261127T021500Z-1a2b3c latest', 'notion-kb diff --out archive <older-id> <newer-id> --json'],
  },
  prune: {
    usage: 'notion-kb prune [options]',
    summary: 'Remove old snapshots, keeping recent, daily and monthly ones',
    description: [
      'Keeps the newest --keep-last snapshots, plus the newest snapshot of each of the newest',
      '--keep-daily days and --keep-monthly months that have one (by snapshot id time, UTC), and',
      'always the one latest.json points at; removes every other snapshots/<id>/ directory and',
      'nothing else. Holds the output lock, so it never runs while a sync writes. Defaults come',
      'from retention: in the config (7, 30 and 12). A file unchanged between snapshots is one',
      'file with a name in each (a hard link), so removing a snapshot never breaks another.',
    ].join('\n'),
    env: [],
    exitCodes: [
      [EXIT_CODES.complete, 'pruned (or, with --dry-run, listed what would be)'],
      [EXIT_CODES.failed, 'a snapshot could not be removed'],
      [EXIT_CODES.usage, 'usage or configuration error, or the output directory is locked: nothing removed'],
    ],
    examples: ['notion-kb prune --dry-run', 'notion-kb prune --keep-last 3 --keep-daily 14 --keep-monthly 24'],
  },
  demo: {
    usage: 'notion-kb demo [options]',
    summary: 'Export the demo workspace from a local Notion server (what `npm start` runs)',
    description: [
      'Starts the local Notion API server with the demo workspace on a free loopback port, syncs it',
      'into output/demo/ (or --out) exactly as `sync` would, with comments and the offline site, then',
      'stops the server and names the site\'s index.html to open. Needs no token and no network: a',
      'quick way to see what an archive looks like.',
    ].join('\n'),
    env: [],
    exitCodes: RUN_EXIT_CODES,
    examples: ['npm start', 'notion-kb demo --out /tmp/demo-archive --verbose'],
  },
};

/** The help text for the tool (no topic) or for one command. */
export function helpText(topic?: CommandName): string {
  return topic === undefined ? toolHelp() : commandHelp(topic);
}

function toolHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => name.length));
  return [
    'notion-kb: export a Notion wiki into a self-contained, checksummed archive of Markdown and JSON.',
    '',
    'Usage:',
    '  notion-kb <command> [options]',
    '  notion-kb <command> --help',
    '',
    'Commands:',
    ...COMMAND_NAMES.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name].summary}`),
    '',
    'Options:',
    '  -h, --help   Show this help, or a command\'s help after the command',
    '  --version    Show the version',
    '',
    section('Environment', Object.keys(ENV_LINES)),
    '',
    'Configuration:',
    '  config/notion-kb.yaml if it exists, or the file given with --config <file>.',
    '  Every option and its default: config/notion-kb.example.yaml.',
    '  Precedence: command-line flags > environment variables > config file > defaults.',
    '',
    exitCodeSection(RUN_EXIT_CODES),
    '',
    'Examples:',
    '  npm start                          # try it on the demo workspace',
    '  NOTION_TOKEN=ntn_… notion-kb sync  # export everything shared with the integration',
    '  notion-kb export                   # one bundle (BagIt, offline site) to deposit',
    '  notion-kb verify                   # check the latest snapshot',
    '  notion-kb diff <older-id> latest   # what changed between two snapshots',
    '  notion-kb prune --dry-run          # which old snapshots prune would remove',
    '',
  ].join('\n');
}

function commandHelp(command: CommandName): string {
  const help = COMMANDS[command];
  const rows: [string, string][] = [
    ...(help.positionals ?? []),
    ...COMMAND_OPTIONS[command].map((spec): [string, string] => [optionLabel(spec), spec.description]),
    ['-h, --help', 'Show this help'],
  ];
  const lines = [
    `${help.summary}.`,
    '',
    'Usage:',
    `  ${help.usage}`,
    '',
    help.description,
    '',
    'Options:',
    ...table(rows),
  ];
  if (help.env.length > 0) lines.push('', section('Environment', help.env));
  lines.push('', exitCodeSection(help.exitCodes), '', 'Examples:', ...help.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

function optionLabel(spec: OptionSpec): string {
  const label = spec.value === undefined ? `--${flagName(spec)}` : `--${flagName(spec)} ${spec.value}`;
  return spec.kind === 'notion-id-list' ? `${label} ...` : label;
}

function section(title: string, envNames: readonly string[]): string {
  return [`${title}:`, ...table(envNames.map((name): [string, string] => [name, ENV_LINES[name] ?? '']))].join('\n');
}

function exitCodeSection(codes: readonly [number, string][]): string {
  return ['Exit codes:', ...codes.map(([code, meaning]) => `  ${code}  ${meaning}`)].join('\n');
}

const LINE_WIDTH = 100;

function table(rows: readonly [string, string][]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  const indent = ' '.repeat(width + 4);
  return rows.flatMap(([left, right]) =>
    wrap(right, LINE_WIDTH - indent.length).map((line, i) => (i === 0 ? `  ${left.padEnd(width)}  ${line}` : `${indent}${line}`)),
  );
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
