import type { ScenarioResult } from './run-scenario.js';

interface Column {
  title: string;
  value: (r: ScenarioResult) => string;
  align: 'left' | 'right';
}

const fixed = (digits: number) => (n: number) => n.toFixed(digits);
const COLUMNS: Column[] = [
  { title: 'scenario', value: (r) => (r.variant ? `${r.name} ${r.variant}` : r.name), align: 'left' },
  { title: 'ok', value: (r) => (r.ok ? 'yes' : 'NO'), align: 'left' },
  { title: 'pages', value: (r) => String(r.pages), align: 'right' },
  { title: 'requests', value: (r) => String(r.requests), align: 'right' },
  { title: 'req/page', value: (r) => fixed(2)(r.requestsPerPage), align: 'right' },
  { title: '429s', value: (r) => String(r.rateLimited), align: 'right' },
  { title: 'retries', value: (r) => String(r.retries), align: 'right' },
  { title: 'faults', value: (r) => String(r.faultsInjected), align: 'right' },
  { title: 'wall s', value: (r) => fixed(1)(r.wallS), align: 'right' },
  { title: 'pages/s', value: (r) => fixed(1)(r.pagesPerS), align: 'right' },
  { title: 'cpu s', value: (r) => fixed(1)(r.cpuS), align: 'right' },
  { title: 'ms/page', value: (r) => fixed(2)(r.cpuMsPerPage), align: 'right' },
  { title: 'RSS MB', value: (r) => fixed(0)(r.rssPeakMB), align: 'right' },
  // Peak minus the RSS once Node, tsx and the modules are loaded: what the export itself costs.
  { title: '+MB', value: (r) => fixed(0)(r.rssPeakMB - r.rssStartMB), align: 'right' },
];

/** The results as a fixed-width text table, one row per scenario. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = [COLUMNS.map((c) => c.title), ...results.map((r) => COLUMNS.map((c) => c.value(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (COLUMNS[i]!.align === 'left' ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
