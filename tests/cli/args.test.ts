import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, COMMAND_OPTIONS, flagName, parseArgs, UsageError, type CommandName, type CommandOptions, type ParsedArgs } from '../../src/cli/args.js';
import { EXIT_CODES, helpText } from '../../src/cli/help.js';

const ID = '1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const HEX = ID.replaceAll('-', '');
const ID2 = '2b3c4d5e-6f7a-8b9c-0d1e-2f3a4b5c6d7e';
// Built at run time so that no token-shaped string is committed (secret scanners flag them).
const TOKEN = ['secret', 'FAKEfakeFAKEfake0123456789abcdefABCDEFxyz'].join('_');

const defaults: CommandOptions = { root: [], json: false, quiet: false, verbose: false, all: false, dryRun: false, full: false };
const run = (command: ParsedArgs['command'], options: Partial<CommandOptions> = {}, positionals: string[] = []): ParsedArgs => ({
  command,
  options: { ...defaults, ...options },
  positionals,
});

function usageError(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)}`);
}

describe('parseArgs: valid command lines', () => {
  it.each<[string[], ParsedArgs]>([
    [[], run('help')],
    [['--help'], run('help')],
    [['-h'], run('help')],
    [['--version'], run('version')],
    [['help'], run('help')],
    [['help', 'sync'], { ...run('help'), topic: 'sync' }],
    [['sync', '--help'], { ...run('help'), topic: 'sync' }],
    [['verify', '-h'], { ...run('help'), topic: 'verify' }],
    [['sync', '--bogus', '--help'], { ...run('help'), topic: 'sync' }],
    [['demo', '--version'], run('version')],
    [['sync'], run('sync')],
    [['demo'], run('demo')],
    [['verify'], run('verify')],
    [['verify', 'output/snap-1'], run('verify', {}, ['output/snap-1'])],
    [['verify', 'snap', '--json', '--out', 'o'], run('verify', { json: true, out: 'o' }, ['snap'])],
    [['verify', '--', '-odd-dir'], run('verify', {}, ['-odd-dir'])],
    [['sync', '--out', 'archive'], run('sync', { out: 'archive' })],
    [['sync', '--out=archive'], run('sync', { out: 'archive' })],
    [['sync', '--config', 'my.yaml'], run('sync', { config: 'my.yaml' })],
    [['sync', '--rate', '0.5'], run('sync', { rate: 0.5 })],
    [['sync', '--rate=2'], run('sync', { rate: 2 })],
    [['sync', '--rate', '1e1'], run('sync', { rate: 10 })],
    [['sync', '--rate', 'auto'], run('sync', { rate: 'auto' })],
    [['export', '--rate=auto'], run('export', { rate: 'auto' })],
    [['sync', '--concurrency', '8'], run('sync', { concurrency: 8 })],
    [['sync', '--rate', '1', '--rate', '2'], run('sync', { rate: 2 })],
    [['sync', '--root', HEX], run('sync', { root: [ID] })],
    [
      ['sync', '--root', `https://www.notion.so/ws/Partners-${HEX}?v=${ID2.replaceAll('-', '')}`, '--root', ID2],
      run('sync', { root: [ID, ID2] }),
    ],
    [['sync', '--root', HEX, '--root', ID], run('sync', { root: [ID] })],
    [['sync', '--json', '--quiet'], run('sync', { json: true, quiet: true })],
    [['export'], run('export')],
    [['export', '--name', 'wiki-final', '--format', 'tar.gz', '--out', 'o', '--json'], run('export', { name: 'wiki-final', format: 'tar.gz', out: 'o', json: true })],
    [['verify', 'exports/wiki.zip'], run('verify', {}, ['exports/wiki.zip'])],
    [['sync', '--verbose'], run('sync', { verbose: true })],
    [['demo', '--out', '/tmp/x', '--rate', '10', '--concurrency', '2', '--json'], run('demo', { out: '/tmp/x', rate: 10, concurrency: 2, json: true })],
    [['verify', '--all'], run('verify', { all: true })],
    [['verify', '--all', '--out', 'o', '--json'], run('verify', { all: true, out: 'o', json: true })],
    [['diff', 'a', 'b'], run('diff', {}, ['a', 'b'])],
    [['diff', 'a', 'latest', '--json', '--out', 'o'], run('diff', { json: true, out: 'o' }, ['a', 'latest'])],
    [['prune'], run('prune')],
    [['prune', '--dry-run'], run('prune', { dryRun: true })],
    [['prune', '--keep-last', '3', '--keep-daily=0', '--keep-monthly', '24'], run('prune', { keepLast: 3, keepDaily: 0, keepMonthly: 24 })],
    [['prune', '--out', 'o', '--json'], run('prune', { out: 'o', json: true })],
    [['help', 'prune'], { ...run('help'), topic: 'prune' }],
    [['diff', '--help'], { ...run('help'), topic: 'diff' }],
  ])('%j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });
});

describe('parseArgs: usage errors', () => {
  it.each<[string[], string, string | undefined]>([
    [['snyc'], 'unknown command "snyc" (did you mean "sync"?)', undefined],
    [['publish'], 'unknown command "publish" (commands: sync, verify, diff, prune, demo, export)', undefined],
    [['verify', '--all', 'snap'], '--all checks every snapshot; it takes no <snapshot-dir> (got "snap")', 'verify'],
    [['diff'], 'diff needs two snapshots: notion-kb diff <older> <newer>', 'diff'],
    [['diff', 'a'], 'diff needs a second snapshot to compare "a" with', 'diff'],
    [['diff', 'a', 'b', 'c'], 'diff takes at most 2 arguments (got "c" too)', 'diff'],
    [['prune', '--keep-last', '-1'], '--keep-last: must be a whole number, 0 or more (got "-1")', 'prune'],
    [['prune', '--keep-daily', '1.5'], '--keep-daily: must be a whole number, 0 or more (got "1.5")', 'prune'],
    [['prune', '--keep-monthly'], '--keep-monthly needs a value: --keep-monthly <n>', 'prune'],
    [['prune', '--keep-lats', '2'], 'unknown option --keep-lats for "prune" (did you mean --keep-last?)', 'prune'],
    [['prune', '--dry-run=yes'], '--dry-run does not take a value', 'prune'],
    [['sync', '--dry-run'], 'unknown option --dry-run for "sync" (it is an option of prune)', 'sync'],
    [['help', 'vrify'], 'unknown command "vrify" (did you mean "verify"?)', undefined],
    [['help', 'sync', 'demo'], 'help takes at most one command (got 2 arguments)', undefined],
    [['--out', 'x', 'sync'], '--out: options go after the command (notion-kb <command> [options])', undefined],
    [['--json'], '--json: options go after the command (notion-kb <command> [options])', undefined],
    [['--', 'sync'], 'missing command before "--"', undefined],
    [['sync', '--foo'], 'unknown option --foo for "sync"', 'sync'],
    [['sync', '--roots', HEX], 'unknown option --roots for "sync" (did you mean --root?)', 'sync'],
    [['sync', '-x'], 'unknown option -x for "sync"', 'sync'],
    [['verify', '--rate', '2'], 'unknown option --rate for "verify" (it is an option of sync, demo, export)', 'verify'],
    [['diff', '--root', HEX, 'a', 'b'], 'unknown option --root for "diff" (it is an option of sync, export)', 'diff'],
    [['verify', '--root', HEX], 'unknown option --root for "verify" (it is an option of sync, export)', 'verify'],
    [['demo', '--root', HEX], 'unknown option --root for "demo" (it is an option of sync, export)', 'demo'],
    [['verify', '--quiet'], 'unknown option --quiet for "verify" (it is an option of sync, demo, export)', 'verify'],
    [['export', '--format', 'rar'], '--format: must be zip or tar.gz (got "rar")', 'export'],
    [['export', '--full'], 'unknown option --full for "export" (it is an option of sync)', 'export'],
    [['export', 'wiki'], 'export takes no arguments (got "wiki")', 'export'],
    [['sync', '--jsno'], 'unknown option --jsno for "sync" (did you mean --json?)', 'sync'],
    [['sync', '--concurency', '2'], 'unknown option --concurency for "sync" (did you mean --concurrency?)', 'sync'],
    [['sync', '--rate', '0'], '--rate: must be a positive number or auto (got "0")', 'sync'],
    [['sync', '--rate', 'abc'], '--rate: must be a positive number or auto (got "abc")', 'sync'],
    [['sync', '--rate', '-1'], '--rate: must be a positive number or auto (got "-1")', 'sync'],
    [['sync', '--rate=Infinity'], '--rate: must be a positive number or auto (got "Infinity")', 'sync'],
    [['sync', '--rate', '0x10'], '--rate: must be a positive number or auto (got "0x10")', 'sync'],
    [['sync', '--rate', 'AUTO'], '--rate: must be a positive number or auto (got "AUTO")', 'sync'],
    [['sync', '--concurrency', 'auto'], '--concurrency: must be a positive integer (got "auto")', 'sync'],
    [['sync', '--rate='], '--rate: must be a positive number or auto (got "")', 'sync'],
    [['sync', '--rate'], '--rate needs a value: --rate <n|auto>', 'sync'],
    [['sync', '--rate', '--json'], '--rate needs a value: --rate <n|auto>', 'sync'],
    [['sync', '--concurrency', '0'], '--concurrency: must be a positive integer (got "0")', 'sync'],
    [['sync', '--concurrency', '2.5'], '--concurrency: must be a positive integer (got "2.5")', 'sync'],
    [['sync', '--concurrency', 'many'], '--concurrency: must be a positive integer (got "many")', 'sync'],
    [['sync', '--out'], '--out needs a value: --out <dir>', 'sync'],
    [['sync', '--out', ''], '--out needs a non-empty value', 'sync'],
    [['sync', '--root', 'abc'], '--root: not a Notion page id or URL: "abc"', 'sync'],
    [['sync', '--root', 'https://example.com/x'], '--root: not a Notion page id or URL: "https://example.com/x"', 'sync'],
    [['sync', '--json=yes'], '--json does not take a value', 'sync'],
    [['sync', '--quiet', '--verbose'], '--quiet and --verbose cannot be used together', 'sync'],
    [['sync', 'extra'], 'sync takes no arguments (got "extra")', 'sync'],
    [['sync', HEX], `sync takes no arguments (got "${HEX}") (to export one page, use --root ${HEX})`, 'sync'],
    [['demo', 'x'], 'demo takes no arguments (got "x")', 'demo'],
    [['verify', 'a', 'b'], 'verify takes at most 1 argument (got "b" too)', 'verify'],
  ])('%j', (argv, firstLine, command) => {
    const error = usageError(argv);
    expect(error.code).toBe('usage');
    expect(error.command).toBe(command);
    const [line, hint] = error.message.split('\n');
    expect(line).toBe(firstLine);
    expect(hint).toBe(`Run "notion-kb${command === undefined ? '' : ` ${command}`} --help" for usage.`);
  });
});

describe('parseArgs: the token never comes from argv and is never echoed', () => {
  it.each<[string[], string]>([
    [['sync', '--token', TOKEN], '--token'],
    [['sync', `--token=${TOKEN}`], '--token'],
    [['--token', TOKEN, 'sync'], '--token'],
    [['verify', '--notion-token', TOKEN], '--notion-token'],
    [['sync', '--TOKEN', TOKEN], '--TOKEN'],
  ])('%j is refused with a pointer to NOTION_TOKEN', (argv, flag) => {
    const error = usageError(argv);
    expect(error.message.startsWith(`${flag}: the Notion token is read only from the NOTION_TOKEN environment variable`)).toBe(true);
    expect(error.message).not.toContain(TOKEN);
  });

  it.each<[string[]]>([
    [['sync', TOKEN]],
    [['sync', '--rate', TOKEN]],
    [['sync', '--root', TOKEN]],
    [['sync', `--${TOKEN}`]],
    [['verify', 'dir', TOKEN]],
  ])('%# other errors redact a pasted token', (argv) => {
    const error = usageError(argv);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('[REDACTED]');
  });

  it('a file name that merely contains "token" after -- is fine', () => {
    expect(parseArgs(['verify', '--', '--token-snapshot']).positionals).toEqual(['--token-snapshot']);
  });
});

describe('help', () => {
  it.each(COMMAND_NAMES.map((c) => [c]))('%s help lists every option the parser accepts', (command) => {
    const text = helpText(command);
    for (const spec of COMMAND_OPTIONS[command]) expect(text).toContain(`--${flagName(spec)}`);
    expect(text).toContain('--help');
    expect(text).toContain(`notion-kb ${command}`);
    expect(text).toMatch(/Examples:\n {2}\S/);
  });

  it.each(COMMAND_NAMES.map((c) => [c]))('every option shown in %s help is accepted by the parser', (command) => {
    const shown = [...helpText(command).matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]!);
    expect(shown.length).toBeGreaterThan(0);
    for (const flag of shown) {
      if (flag === '--help') continue;
      const spec = COMMAND_OPTIONS[command].find((s) => `--${flagName(s)}` === flag);
      expect(spec, flag).toBeDefined();
    }
  });

  it('the tool help lists every command, both env vars and all exit codes', () => {
    const text = helpText();
    for (const command of COMMAND_NAMES) expect(text).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    expect(text).toContain('NOTION_TOKEN');
    expect(text).toContain('NOTION_BASE_URL');
    for (const code of Object.values(EXIT_CODES)) expect(text).toMatch(new RegExp(`^ {2}${code} {2}\\S`, 'm'));
  });

  it.each([['sync'], ['demo']] as const)('%s help documents the four exit codes', (command) => {
    const text = helpText(command);
    for (const code of [0, 1, 2, 3]) expect(text).toMatch(new RegExp(`^ {2}${code} {2}\\S`, 'm'));
  });

  it('sync help names both environment variables; verify needs neither', () => {
    expect(helpText('sync')).toMatch(/NOTION_TOKEN[\s\S]*NOTION_BASE_URL/);
    expect(helpText('verify')).not.toContain('NOTION_TOKEN=');
  });

  it.each<[CommandName | undefined]>([[undefined], ...COMMAND_NAMES.map((c): [CommandName] => [c])])('%s help fits in 100 columns', (topic) => {
    for (const line of helpText(topic).split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });
});
