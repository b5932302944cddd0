import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatHeapGrowth, readHeapSummary, summariseHeapSnapshot } from '../../bench/heap-snapshot-summary.js';

const meta = {
  node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
  node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic']] as [string[]],
  edge_fields: ['type', 'name_or_index', 'to_node'],
  edge_types: [['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak']] as [string[]],
};

/** A snapshot of named objects (type "object"); edges as [from, to, edge name, weak?]. */
function graph(objects: Array<[name: string, self: number]>, links: Array<[number, number, string, boolean?]>) {
  const strings = [...new Set([...objects.map(([n]) => n), ...links.map(([, , e]) => e)])];
  const nodes: number[] = [];
  const edges: number[] = [];
  objects.forEach(([name, self], i) => {
    const out = links.filter(([from]) => from === i);
    nodes.push(3, strings.indexOf(name), i + 1, self, out.length, 0, 0);
    for (const [, to, e, weak] of out) edges.push(weak ? 6 : 2, strings.indexOf(e), to * 7);
  });
  return { snapshot: { meta }, nodes, edges, strings };
}

describe('heap snapshot summary', () => {
  it('counts what only one owner keeps alive as retained by it, shared objects by neither, weak edges not at all', () => {
    // root → a → c ← b ← root; a → only; c → d; b ⇢ e (weak only: unreachable)
    const s = summariseHeapSnapshot(
      graph(
        [['Root', 0], ['A', 10], ['B', 20], ['Shared', 100], ['Only', 1000], ['Leaf', 5], ['Weak', 7]],
        [[0, 1, 'a'], [0, 2, 'b'], [1, 3, 'c'], [2, 3, 'c'], [1, 4, 'only'], [3, 5, 'd'], [2, 6, 'e', true]],
      ),
      { minOwnerBytes: 1 },
    );
    expect(s.totalBytes).toBe(10 + 20 + 100 + 1000 + 5);
    const ctor = (name: string) => s.byConstructor.find((c) => c.name === name);
    expect(ctor('A')).toMatchObject({ count: 1, selfBytes: 10, retainedBytes: 1010 });
    expect(ctor('B')).toMatchObject({ retainedBytes: 20 });
    expect(ctor('Shared')).toMatchObject({ retainedBytes: 105 });
    expect(ctor('Weak')).toBeUndefined();
    expect(s.byOwner.map((o) => [o.name, o.retainedBytes])).toEqual([
      ['a: A', 1010],
      ['a: A > only: Only', 1000],
      ['c: Shared', 105],
      ['c: Shared > d: Leaf', 5],
      ['b: B', 20],
    ]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'notion-kb-heap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A real snapshot of a small Node process holding `entries` strings of about 100 bytes in a Map of a class. */
  function snapshotHolding(entries: number): string {
    const file = join(dir, `held-${entries}.heapsnapshot`);
    const script = `
      class HeldByTest { constructor() { this.byId = new Map(); } }
      globalThis.held = new HeldByTest();
      for (let i = 0; i < ${entries}; i++) globalThis.held.byId.set('id-' + i, 'x'.repeat(90) + i);
      require('node:v8').writeHeapSnapshot(${JSON.stringify(file)});`;
    execFileSync(process.execPath, ['-e', script]);
    return file;
  }

  it('finds the owner of a real snapshot, and what grew per extra entry', async () => {
    const small = await readHeapSummary(snapshotHolding(2_000));
    const large = await readHeapSummary(snapshotHolding(10_000));
    const held = large.byConstructor.find((c) => c.name === 'HeldByTest')!;
    // 10,000 strings of about 100 characters (and their keys), in a Map: over a megabyte.
    expect(held.retainedBytes).toBeGreaterThan(1_000_000);
    const owner = large.byOwner.find((o) => o.name.endsWith('held: HeldByTest > byId: Map'));
    expect(owner?.retainedBytes).toBeGreaterThan(held.retainedBytes * 0.9);
    const growth = formatHeapGrowth(small, large, [2_000, 10_000]);
    const perEntry = Number(/(\d+) B\/page\s+\S+ MB →\s+\S+ MB\s+HeldByTest/.exec(growth)?.[1]);
    // Each entry: a ~100-character string, a short key and the Map's slots.
    expect(perEntry).toBeGreaterThan(100);
    expect(perEntry).toBeLessThan(400);
  });
});
