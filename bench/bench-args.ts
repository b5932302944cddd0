import { closestMatch } from '../src/config/closest-match.js';
import { SCENARIO_NAMES, type ScenarioName } from './scenarios.js';

/** What `npm run bench -- …` asked for. */
export interface BenchArgs {
  quick: boolean;
  /** In run order; all of them unless `--scenario` picked some. */
  scenarios: ScenarioName[];
  /** Results file; default output/bench/latest.json (gitignored). */
  out: string;
  /** Write a CPU and a heap profile of each measured export process next to the results file. */
  profile: boolean;
  /** Write a heap snapshot of each measured export process, taken when its sync starts publishing, next to the results file. */
  heapSnapshot: boolean;
  help: boolean;
}

export const BENCH_USAGE = `Usage: npm run bench -- [--quick] [--scenario <name>]... [--out <file.json>] [--profile] [--heap-snapshot]
  --quick       smaller workspaces (about a minute instead of a few)
  --scenario    run only this scenario; repeat or comma-separate for several:
                ${SCENARIO_NAMES.join(', ')}
  --out         where to write the results JSON (default output/bench/latest.json)
  --profile     each measured export process also writes <scenario>.cpuprofile and
                <scenario>.heapprofile next to the results file (slower; numbers not comparable)
  --heap-snapshot each measured export process writes <scenario>.heapsnapshot, taken when its
                sync starts publishing, and the bench prints what it holds by constructor and
                owner, and what grew per page between the two memory-scale runs (much slower;
                RSS not comparable)`;

/** Parses the bench flags; throws an Error naming the bad flag or scenario. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, scenarios: [], out: 'output/bench/latest.json', profile: false, heapSnapshot: false, help: false };
  const picked = new Set<ScenarioName>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? (arg.split(/=(.*)/s) as [string, string]) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--scenario':
        for (const name of value().split(',').map((s) => s.trim()).filter(Boolean)) {
          if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
            const hint = closestMatch(name, SCENARIO_NAMES);
            throw new Error(`--scenario: no scenario "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; choose from ${SCENARIO_NAMES.join(', ')}`);
          }
          picked.add(name as ScenarioName);
        }
        break;
      case '--out':
        args.out = value();
        break;
      case '--profile':
        if (inline !== undefined) throw new Error('--profile takes no value');
        args.profile = true;
        break;
      case '--heap-snapshot':
        if (inline !== undefined) throw new Error('--heap-snapshot takes no value');
        args.heapSnapshot = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default: {
        const hint = closestMatch(flag, ['--quick', '--scenario', '--out', '--profile', '--heap-snapshot', '--help']);
        throw new Error(`unknown option ${flag}${hint ? ` (did you mean ${hint}?)` : ''}`);
      }
    }
  }
  args.scenarios = SCENARIO_NAMES.filter((n) => picked.size === 0 || picked.has(n));
  return args;
}
