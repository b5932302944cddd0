import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** One line of a profile summary: a function (by name and place) and what it cost. */
export interface Hotspot {
  where: string;
  amount: number;
  share: number;
}

function where(frame: CallFrame): string {
  const path = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
  const url = path.startsWith('/') ? relative(process.cwd(), path) : path;
  // Positions in .ts files are in tsx's output (often one line), so the column is given too.
  return `${frame.functionName || '(anonymous)'} ${url ? `${url}:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : '(native)'}`;
}

function top(amounts: Map<string, number>, n: number): Hotspot[] {
  const total = [...amounts.values()].reduce((a, b) => a + b, 0);
  return [...amounts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([w, amount]) => ({ where: w, amount, share: total > 0 ? amount / total : 0 }));
}

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

/** The functions whose allocations were live in a `.heapprofile`, largest first (bytes). */
export function heapHotspots(profile: { head: HeapNode }, n = 8): Hotspot[] {
  const bytes = new Map<string, number>();
  const walk = (node: HeapNode) => {
    if (node.selfSize > 0) bytes.set(where(node.callFrame), (bytes.get(where(node.callFrame)) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(profile.head);
  return top(bytes, n);
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

/** The functions a `.cpuprofile` spent most self time in, largest first (ms). Idle time left out. */
export function cpuHotspots(profile: CpuProfile, n = 8): Hotspot[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const ms = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    const key = where(node.callFrame);
    ms.set(key, (ms.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return top(ms, n);
}

/** A few lines naming where an export's CPU time and peak memory went, from its two profile files. */
export async function summariseProfiles(base: string): Promise<string> {
  const lines: string[] = [];
  try {
    const cpu = cpuHotspots(JSON.parse(await readFile(`${base}.cpuprofile`, 'utf8')) as CpuProfile);
    lines.push(`  CPU, self time (${base}.cpuprofile):`, ...cpu.map((h) => `    ${h.amount.toFixed(0).padStart(7)} ms ${(100 * h.share).toFixed(0).padStart(3)} %  ${h.where}`));
  } catch (err) {
    lines.push(`  no CPU profile: ${(err as Error).message}`);
  }
  try {
    const heap = heapHotspots(JSON.parse(await readFile(`${base}.heapprofile`, 'utf8')) as { head: HeapNode });
    lines.push(`  Live heap near the RSS peak, by allocating function (${base}.heapprofile):`, ...heap.map((h) => `    ${(h.amount / 2 ** 20).toFixed(1).padStart(7)} MB ${(100 * h.share).toFixed(0).padStart(3)} %  ${h.where}`));
  } catch (err) {
    lines.push(`  no heap profile: ${(err as Error).message}`);
  }
  return lines.join('\n');
}
