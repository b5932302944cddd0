import { describe, expect, it } from 'vitest';
import { generateWorkspace, type GenerateOptions } from '../../src/notion-server/generate-workspace.js';
import type { Id, WorkspaceData } from '../../src/notion-server/workspace-model.js';

const CONTAINER_BLOCKS = new Set(['child_page', 'child_database']);

/** Blocks of a page, nested ones included, sub-pages and databases excluded. */
function contentBlockCount(ws: WorkspaceData, ids: Id[]): number {
  return ids.reduce((n, id) => {
    const blk = ws.blocks[id]!;
    return CONTAINER_BLOCKS.has(blk.type) ? n : n + 1 + contentBlockCount(ws, blk.children);
  }, 0);
}

function depthOf(ws: WorkspaceData, id: Id): number {
  const parent = ws.pages[id]!.parent;
  return parent.type === 'page' ? 1 + depthOf(ws, parent.id) : 0;
}

/** Every object nested in a value. */
function* objects(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value !== null && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

describe('generateWorkspace', () => {
  it.each<[string, GenerateOptions]>([
    ['one page, no blocks', { seed: 'a', pages: 1, blocksPerPage: 0 }],
    ['small', { seed: 1, pages: 12, blocksPerPage: 7, databases: 1, rowsPerDatabase: 3, imageEvery: 4 }],
    ['medium', { seed: 'bench', pages: 150, blocksPerPage: 30, databases: 3, rowsPerDatabase: 40, imageEvery: 10 }],
    ['no images', { seed: 9, pages: 40, blocksPerPage: 12, imageEvery: 0 }],
  ])('has exactly the requested sizes (%s)', (_name, opts) => {
    const ws = generateWorkspace(opts);
    const pages = Object.values(ws.pages).filter((p) => p.parent.type !== 'data_source');
    expect(pages).toHaveLength(opts.pages);
    for (const p of pages) expect(contentBlockCount(ws, p.children), `page ${p.id}`).toBe(opts.blocksPerPage);
    expect(Object.keys(ws.databases)).toHaveLength(opts.databases ?? 0);
    for (const ds of Object.values(ws.dataSources)) expect(ds.rowIds).toHaveLength(opts.rowsPerDatabase ?? 20);
    const every = opts.imageEvery ?? 10;
    const expectedImages = every > 0 && opts.blocksPerPage > 0 ? Math.ceil(opts.pages / every) : 0;
    expect(Object.values(ws.blocks).filter((b) => b.type === 'image')).toHaveLength(expectedImages);
    expect(Object.keys(ws.files)).toHaveLength(expectedImages);
  });

  it('builds a tree several levels deep but never deeper than six', () => {
    const ws = generateWorkspace({ seed: 'deep', pages: 300, blocksPerPage: 2 });
    const depths = Object.keys(ws.pages).map((id) => depthOf(ws, id));
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(4);
    expect(Math.max(...depths)).toBeLessThanOrEqual(6);
  });

  it('mixes block types, annotations and mentions', () => {
    const ws = generateWorkspace({ seed: 'mix', pages: 60, blocksPerPage: 25 });
    const types = new Set(Object.values(ws.blocks).map((b) => b.type));
    for (const t of ['paragraph', 'heading_2', 'bulleted_list_item', 'numbered_list_item', 'toggle', 'table', 'table_row', 'code', 'callout', 'quote', 'to_do', 'image']) {
      expect(types, t).toContain(t);
    }
    const rich = [...objects(Object.values(ws.blocks).map((b) => b.payload))];
    const mentionTypes = new Set(rich.filter((o) => o.type === 'mention').map((o) => (o.mention as { type: string }).type));
    expect([...mentionTypes].sort()).toEqual(['date', 'page', 'user']);
    expect(rich.some((o) => (o.annotations as { bold?: boolean } | undefined)?.bold === true)).toBe(true);
    // Lists nest three levels somewhere.
    const nested = Object.values(ws.blocks).some(
      (b) => b.type === 'bulleted_list_item' && b.children.some((c) => ws.blocks[c]!.type === 'bulleted_list_item' && ws.blocks[c]!.children.length > 0),
    );
    expect(nested).toBe(true);
  });

  it('keeps references consistent', () => {
    const ws = generateWorkspace({ seed: 'refs', pages: 80, blocksPerPage: 15, databases: 2, rowsPerDatabase: 10, imageEvery: 5 });
    const problems: string[] = [];
    for (const owner of [...Object.values(ws.pages), ...Object.values(ws.blocks)]) {
      for (const c of owner.children) if (ws.blocks[c]?.parentId !== owner.id) problems.push(`${owner.id} → ${c}`);
    }
    for (const o of objects([Object.values(ws.blocks).map((b) => b.payload), Object.values(ws.pages).map((p) => p.properties)])) {
      if (typeof o.notion_file_id === 'string' && !ws.files[o.notion_file_id]) problems.push(`file ${o.notion_file_id}`);
      if (o.type === 'mention') {
        const m = o.mention as { type: string; page?: { id: Id }; user?: { id: Id } };
        if (m.type === 'page' && !ws.pages[m.page!.id]) problems.push(`page mention ${m.page!.id}`);
        if (m.type === 'user' && !ws.users[m.user!.id]) problems.push(`user mention ${m.user!.id}`);
      }
    }
    for (const p of Object.values(ws.pages)) {
      for (const v of Object.values(p.properties)) if (v.type === 'people') for (const u of v.people as Array<{ id: Id }>) if (!ws.users[u.id]) problems.push(`person ${u.id}`);
    }
    expect(problems).toEqual([]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const opts = { pages: 50, blocksPerPage: 10, databases: 1, rowsPerDatabase: 5 };
    const a = JSON.stringify(generateWorkspace({ seed: 42, ...opts }));
    expect(JSON.stringify(generateWorkspace({ seed: 42, ...opts }))).toBe(a);
    expect(JSON.stringify(generateWorkspace({ seed: 43, ...opts }))).not.toBe(a);
  });

  it.each([
    [{ seed: 1, pages: 0, blocksPerPage: 1 }],
    [{ seed: 1, pages: 3, blocksPerPage: -1 }],
  ])('rejects impossible sizes %o', (opts) => {
    expect(() => generateWorkspace(opts)).toThrow(/pages ≥ 1/);
  });
});
