// What a V8 heap snapshot (.heapsnapshot, as Chrome DevTools and `v8.writeHeapSnapshot` write
// it) holds: the live heap by constructor, and the largest owners in the dominator tree with
// the retained size of each (what would be freed with it). With two snapshots of the same kind
// of run at two sizes, what grew, per extra page. Run by `npm run bench -- --heap-snapshot`, or
// alone: node bin/run-ts.js bench/heap-snapshot-summary.ts small.heapsnapshot [large.heapsnapshot --pages 2100,10500]
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** One line of a summary: a name (constructor, or owner path), its object count and bytes. */
export interface HeapLine {
  name: string;
  count: number;
  /** Bytes of the objects themselves. */
  selfBytes: number;
  /** Bytes freed with them (objects only they keep alive); for constructors, nested ones counted once. */
  retainedBytes: number;
}

export interface HeapSummary {
  /** Self size of every object reachable from the roots. */
  totalBytes: number;
  objects: number;
  byConstructor: HeapLine[];
  /**
   * Owners in the dominator tree down from the roots, each with its path ("ctx.summaries:
   * PlanInputBuilder > nodes: Map"): every object retaining at least `minBytes`, largest first.
   */
  byOwner: HeapLine[];
}

const STRING_TYPES = new Set(['string', 'concatenated string', 'sliced string']);

/**
 * Summarises a parsed heap snapshot. Dominators by Cooper, Harvey and Kennedy's iterative
 * algorithm ("A Simple, Fast Dominance Algorithm"), over every edge but weak ones.
 */
export function summariseHeapSnapshot(raw: RawSnapshot, opts: { minOwnerBytes?: number; maxDepth?: number } = {}): HeapSummary {
  const meta = raw.snapshot.meta;
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const [fType, fName, fSelf, fEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const weak = edgeTypes.indexOf('weak');
  const { nodes, edges, strings } = raw;
  const n = nodes.length / NF;

  const firstEdge = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) firstEdge[i + 1] = firstEdge[i]! + nodes[i * NF + fEdges]! * EF;
  const self = (i: number) => nodes[i * NF + fSelf]!;
  const className = (i: number): string => {
    const type = nodeTypes[nodes[i * NF + fType]!]!;
    if (type === 'object' || type === 'native') return strings[nodes[i * NF + fName]!]!;
    if (STRING_TYPES.has(type)) return '(string)';
    return `(${type})`;
  };

  // Depth-first postorder from the root (node 0), weak edges left out.
  const post = new Int32Array(n).fill(-1);
  const order = new Uint32Array(n);
  /** The edge each node was first reached by (its name names the node where its dominator does not hold it directly). */
  const treeEdge = new Int32Array(n).fill(-1);
  let reached = 0;
  {
    const visited = new Uint8Array(n);
    const stack = new Uint32Array(n);
    const cursor = new Uint32Array(n);
    let top = 0;
    stack[0] = 0;
    visited[0] = 1;
    cursor[0] = firstEdge[0]!;
    while (top >= 0) {
      const v = stack[top]!;
      let pushed = false;
      while (cursor[top]! < firstEdge[v + 1]!) {
        const e = cursor[top]!;
        cursor[top] = e + EF;
        if (edges[e + eType] === weak) continue;
        const w = edges[e + eTo]! / NF;
        if (visited[w]) continue;
        visited[w] = 1;
        treeEdge[w] = e;
        stack[++top] = w;
        cursor[top] = firstEdge[w]!;
        pushed = true;
        break;
      }
      if (!pushed) {
        post[v] = reached;
        order[reached++] = v;
        top--;
      }
    }
  }

  // Predecessors of each reached node, by postorder number.
  const predCount = new Uint32Array(reached + 1);
  const forEachEdge = (fn: (from: number, to: number) => void) => {
    for (let v = 0; v < n; v++) {
      if (post[v] === -1) continue;
      for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += EF) {
        if (edges[e + eType] === weak) continue;
        const w = edges[e + eTo]! / NF;
        if (post[w] !== -1) fn(post[v]!, post[w]!);
      }
    }
  };
  forEachEdge((_, to) => predCount[to + 1]!++);
  for (let i = 0; i < reached; i++) predCount[i + 1]! += predCount[i]!;
  const preds = new Uint32Array(predCount[reached]!);
  const fill = predCount.slice(0, reached);
  forEachEdge((from, to) => (preds[fill[to]!++] = from));

  const root = reached - 1;
  const idom = new Int32Array(reached).fill(-1);
  idom[root] = root;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (a < b) a = idom[a]!;
      while (b < a) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let p = root - 1; p >= 0; p--) {
      let d = -1;
      for (let k = predCount[p]!; k < predCount[p + 1]!; k++) {
        const q = preds[k]!;
        if (idom[q] === -1) continue;
        d = d === -1 ? q : intersect(q, d);
      }
      if (d !== -1 && idom[p] !== d) {
        idom[p] = d;
        changed = true;
      }
    }
  }

  // Retained sizes: a node's dominator finishes after it in the postorder.
  const retained = new Float64Array(reached);
  let totalBytes = 0;
  for (let p = 0; p < reached; p++) {
    retained[p]! += self(order[p]!);
    totalBytes += self(order[p]!);
    if (p !== root) retained[idom[p]!]! += retained[p]!;
  }

  // The dominator tree's children, largest first.
  const childStart = new Uint32Array(reached + 1);
  for (let p = 0; p < root; p++) childStart[idom[p]! + 1]!++;
  for (let i = 0; i < reached; i++) childStart[i + 1]! += childStart[i]!;
  const children = new Uint32Array(root);
  const at = childStart.slice(0, reached);
  for (let p = 0; p < root; p++) children[at[idom[p]!]!++] = p;
  const childrenOf = (p: number) => Array.from(children.subarray(childStart[p]!, childStart[p + 1]!)).sort((a, b) => retained[b]! - retained[a]!);

  // By constructor: count and self size; retained size counting an object inside another of its kind once.
  const byClass = new Map<string, HeapLine>();
  const open = new Map<string, number>();
  {
    const stack: Array<{ p: number; enter: boolean }> = [{ p: root, enter: true }];
    while (stack.length > 0) {
      const { p, enter } = stack.pop()!;
      const name = className(order[p]!);
      if (!enter) {
        open.set(name, open.get(name)! - 1);
        continue;
      }
      let line = byClass.get(name);
      if (!line) byClass.set(name, (line = { name, count: 0, selfBytes: 0, retainedBytes: 0 }));
      line.count++;
      line.selfBytes += self(order[p]!);
      if (!open.get(name)) line.retainedBytes += retained[p]!;
      open.set(name, (open.get(name) ?? 0) + 1);
      stack.push({ p, enter: false });
      for (let k = childStart[p]!; k < childStart[p + 1]!; k++) stack.push({ p: children[k]!, enter: true });
    }
  }

  // By owner: the dominator tree from the root, every node retaining at least minBytes, named by
  // the edge its dominator holds it by (when the dominator holds it directly) and its constructor.
  const minBytes = opts.minOwnerBytes ?? Math.max(256 * 1024, totalBytes / 200);
  const maxDepth = opts.maxDepth ?? 12;
  const nameOf = (e: number): string => {
    const type = edgeTypes[edges[e + eType]!];
    return type === 'element' || type === 'hidden' ? '[]' : strings[edges[e + eName]!]!;
  };
  /** The edge its dominator holds it by; else the one the depth-first walk reached it by. */
  const edgeName = (fromNode: number, toNode: number): string => {
    for (let e = firstEdge[fromNode]!; e < firstEdge[fromNode + 1]!; e += EF) if (edges[e + eTo]! / NF === toNode) return nameOf(e);
    return treeEdge[toNode] === -1 ? '?' : nameOf(treeEdge[toNode]!);
  };
  const byOwner: HeapLine[] = [];
  const walk = (p: number, path: string, depth: number) => {
    for (const c of childrenOf(p)) {
      if (retained[c]! < minBytes) break;
      const label = `${edgeName(order[p]!, order[c]!)}: ${className(order[c]!)}`;
      const name = path ? `${path} > ${label}` : label;
      byOwner.push({ name, count: 1, selfBytes: self(order[c]!), retainedBytes: retained[c]! });
      if (depth < maxDepth) walk(c, name, depth + 1);
    }
  };
  walk(root, '', 0);

  return {
    totalBytes,
    objects: reached,
    byConstructor: [...byClass.values()].sort((a, b) => b.retainedBytes - a.retainedBytes),
    byOwner,
  };
}

export async function readHeapSummary(file: string): Promise<HeapSummary> {
  return summariseHeapSnapshot(JSON.parse(await readFile(file, 'utf8')) as RawSnapshot);
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1).padStart(7)} MB`;

/** Steps of an owner path that only say how async code holds its variables. */
const PLUMBING = /: (system \/ Context|Generator|Promise|\(hidden\)|\(closure\))$/;

/**
 * The path's last few steps, enough to name the owner (a variable, a field), short enough for a
 * line: closure contexts, generators and promises left out, and a Map's or Set's own table.
 */
const shortPath = (path: string, steps = 3) => {
  const parts = path.split(' > ');
  const named = parts.filter((p, i) => i === parts.length - 1 || !PLUMBING.test(p));
  if (named.length > 1 && named.at(-1) === 'table: (array)' && /: (Map|Set)$/.test(named.at(-2)!)) named.pop();
  return named.length > steps ? `… > ${named.slice(-steps).join(' > ')}` : named.join(' > ');
};

/** A few lines: the largest constructors (retained) and the largest owners (leaves of the listing). */
export function formatHeapSummary(s: HeapSummary, top = 15): string {
  const lines = [`  live heap ${mb(s.totalBytes).trim()} in ${s.objects.toLocaleString('en')} objects; by constructor (retained, self, count):`];
  for (const c of s.byConstructor.filter(notRoots).slice(0, top)) lines.push(`    ${mb(c.retainedBytes)} ${mb(c.selfBytes)} ${String(c.count).padStart(9)}  ${c.name}`);
  lines.push('  largest owners (retained; objects holding no listed owner of most of their size):');
  for (const o of specificOwners(s.byOwner).slice(0, top)) lines.push(`    ${mb(o.retainedBytes)}  ${shortPath(o.name)}`);
  return lines.join('\n');
}

/** The snapshot's synthetic roots hold everything: no news. */
const notRoots = (l: HeapLine) => l.name !== '(synthetic)';

/** Owners none of whose listed children hold half of them: where the bytes actually sit. */
function specificOwners(owners: HeapLine[]): HeapLine[] {
  return owners
    .filter((o) => !owners.some((c) => c.name.startsWith(`${o.name} > `) && c.name.split(' > ').length === o.name.split(' > ').length + 1 && c.retainedBytes * 2 >= o.retainedBytes))
    .sort((a, b) => b.retainedBytes - a.retainedBytes);
}

/**
 * What grew from a small run to a large one, per extra page: by constructor (retained) and by
 * owner path (element indexes and call-site contexts compared by name only).
 */
export function formatHeapGrowth(small: HeapSummary, large: HeapSummary, pages: [number, number], top = 15): string {
  const extra = pages[1] - pages[0];
  const perPage = (a: number, b: number) => `${((b - a) / extra).toFixed(0).padStart(7)} B/page`;
  const lines = [`  live heap ${mb(small.totalBytes).trim()} → ${mb(large.totalBytes).trim()}: ${perPage(small.totalBytes, large.totalBytes).trim()} over ${extra.toLocaleString('en')} extra pages; by constructor (retained):`];
  const diff = (a: HeapLine[], b: HeapLine[], key: (l: HeapLine) => string) => {
    const before = new Map<string, number>();
    for (const l of a) before.set(key(l), (before.get(key(l)) ?? 0) + l.retainedBytes);
    const after = new Map<string, number>();
    for (const l of b) after.set(key(l), (after.get(key(l)) ?? 0) + l.retainedBytes);
    return [...after]
      .map(([name, bytes]) => ({ name, from: before.get(name) ?? 0, to: bytes }))
      .sort((x, y) => y.to - y.from - (x.to - x.from))
      .slice(0, top);
  };
  for (const d of diff(small.byConstructor.filter(notRoots), large.byConstructor.filter(notRoots), (l) => l.name)) lines.push(`    ${perPage(d.from, d.to)} ${mb(d.from)} → ${mb(d.to)}  ${d.name}`);
  lines.push('  by owner (retained):');
  const owners = (s: HeapSummary) => specificOwners(s.byOwner);
  for (const d of diff(owners(small), owners(large), (l) => l.name)) lines.push(`    ${perPage(d.from, d.to)} ${mb(d.from)} → ${mb(d.to)}  ${shortPath(d.name)}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const pagesAt = args.indexOf('--pages');
  const pages = pagesAt === -1 ? null : (args.splice(pagesAt, 2)[1]!.split(',').map(Number) as [number, number]);
  if (args.length === 0 || args.length > 2 || (args.length === 2 && !pages)) {
    console.error('Usage: node bin/run-ts.js bench/heap-snapshot-summary.ts <file.heapsnapshot> [<larger.heapsnapshot> --pages <small>,<large>]');
    process.exit(2);
  }
  const summaries = [];
  for (const file of args) {
    const s = await readHeapSummary(file);
    console.log(`${file}\n${formatHeapSummary(s)}`);
    summaries.push(s);
  }
  if (summaries.length === 2 && pages) console.log(`growth\n${formatHeapGrowth(summaries[0]!, summaries[1]!, pages)}`);
}
