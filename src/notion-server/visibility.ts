import type { Id, WorkspaceData } from './workspace-model.js';

/**
 * What the integration can see, and what is trashed, following parents up to the workspace.
 * Notion hides everything below an unshared page or database (404), and reports pages and
 * databases below a trashed ancestor as trashed.
 */

export type NodeKind = 'page' | 'block' | 'database' | 'data_source';

export interface NodeRef {
  kind: NodeKind;
  id: Id;
}

/** The node itself, then its ancestors up to the workspace. A block's parent id names a page when one exists with that id. */
export function* chainOf(ws: WorkspaceData, start: NodeRef): Generator<NodeRef> {
  let node: NodeRef | null = start;
  const seen = new Set<string>();
  while (node) {
    const key = `${node.kind}:${node.id}`;
    if (seen.has(key)) return; // a malformed workspace must not hang the server
    seen.add(key);
    yield node;
    node = parentNode(ws, node);
  }
}

function parentNode(ws: WorkspaceData, node: NodeRef): NodeRef | null {
  switch (node.kind) {
    case 'page': {
      const p = ws.pages[node.id];
      if (!p) return null;
      if (p.parent.type === 'workspace') return null;
      if (p.parent.type === 'data_source') return { kind: 'data_source', id: p.parent.id };
      // A page under a page or block sits there as a child_page block with the page's own id.
      return containerOf(ws, p.parent.id);
    }
    case 'block': {
      const b = ws.blocks[node.id];
      return b ? containerOf(ws, b.parentId) : null;
    }
    case 'database': {
      const d = ws.databases[node.id];
      if (!d || d.parent.type === 'workspace') return null;
      if (d.parent.type === 'data_source') return { kind: 'data_source', id: d.parent.id };
      return containerOf(ws, d.parent.id);
    }
    case 'data_source': {
      const s = ws.dataSources[node.id];
      return s ? { kind: 'database', id: s.databaseId } : null;
    }
  }
}

function containerOf(ws: WorkspaceData, id: Id): NodeRef | null {
  if (ws.pages[id]) return { kind: 'page', id };
  if (ws.blocks[id]) return { kind: 'block', id };
  return null;
}

/** True when the object exists and neither it nor any ancestor is unshared. */
export function isVisible(ws: WorkspaceData, node: NodeRef): boolean {
  if (!exists(ws, node)) return false;
  for (const n of chainOf(ws, node)) {
    if (n.kind === 'page' && ws.pages[n.id]?.shared === false) return false;
    if (n.kind === 'database' && ws.databases[n.id]?.shared === false) return false;
    // child_page / child_database blocks carry their page's / database's sharing.
    if (n.kind === 'block' && (ws.pages[n.id]?.shared === false || ws.databases[n.id]?.shared === false)) return false;
  }
  return true;
}

/** The object's own trash flag (a child_page / child_database block follows its page / database). */
export function ownTrash(ws: WorkspaceData, node: NodeRef): boolean {
  switch (node.kind) {
    case 'page':
      return ws.pages[node.id]?.inTrash ?? false;
    case 'database':
      return ws.databases[node.id]?.inTrash ?? false;
    case 'data_source':
      return ws.dataSources[node.id]?.inTrash ?? false;
    case 'block': {
      const b = ws.blocks[node.id];
      if (!b) return false;
      if (b.type === 'child_page' && ws.pages[b.id]) return b.inTrash || ws.pages[b.id]!.inTrash;
      if (b.type === 'child_database' && ws.databases[b.id]) return b.inTrash || ws.databases[b.id]!.inTrash;
      return b.inTrash;
    }
  }
}

/** True when the object or any ancestor is in the trash. */
export function isTrashed(ws: WorkspaceData, node: NodeRef): boolean {
  for (const n of chainOf(ws, node)) if (ownTrash(ws, n)) return true;
  return false;
}

/** The nearest page at or above a block or page (what Notion bumps when a block changes). */
export function nearestPage(ws: WorkspaceData, node: NodeRef): Id | null {
  let first = true;
  for (const n of chainOf(ws, node)) {
    // A child_page block *is* its page; but when starting from a block we want the page it sits in.
    if (n.kind === 'page' && !(first && node.kind === 'block')) return n.id;
    first = false;
  }
  return null;
}

export function exists(ws: WorkspaceData, node: NodeRef): boolean {
  switch (node.kind) {
    case 'page':
      return Boolean(ws.pages[node.id]);
    case 'block':
      return Boolean(ws.blocks[node.id]);
    case 'database':
      return Boolean(ws.databases[node.id]);
    case 'data_source':
      return Boolean(ws.dataSources[node.id]);
  }
}
