// The bench's Notion server runs in its own process so the exporter's CPU time and memory
// are measured without the server's (the two also get a core each, as in real life).
import { buildDemoWorkspace } from '../src/notion-server/demo-workspace.js';
import { generateWorkspace, HUB_TITLE } from '../src/notion-server/generate-workspace.js';
import { startNotionServer, type NotionServer } from '../src/notion-server/server.js';
import type { WorkspaceData } from '../src/notion-server/workspace-model.js';
import { isTrashed, isVisible, nearestPage } from '../src/notion-server/visibility.js';
import type { FromServer, Restructured, ToServer, WorkspaceSpec } from './bench-protocol.js';
import { rssHighWaterBytes } from './resource-sampler.js';

function send(message: FromServer): void {
  process.send?.(message);
}

function buildWorkspace(spec: WorkspaceSpec): WorkspaceData {
  if (spec.kind === 'demo') return buildDemoWorkspace();
  const { kind: _kind, ...options } = spec;
  return generateWorkspace(options);
}

if (!process.send) {
  console.error('bench/server-child.ts is started by bench/run-bench.ts over IPC, not by hand.');
  process.exit(2);
}

let server: NotionServer | null = null;
let cpuStart = process.cpuUsage();

process.on('message', (raw: ToServer) => {
  void (async () => {
    try {
      if (raw.type === 'start') {
        const { spec, token } = raw;
        server = await startNotionServer({
          workspace: buildWorkspace(spec.workspace),
          token,
          rateLimit: spec.rateLimit,
          latencyMs: spec.latencyMs,
          ...(spec.faults ? { faults: spec.faults } : {}),
          ...(spec.bumps ? { bumps: spec.bumps } : {}),
        });
        cpuStart = process.cpuUsage();
        send({ type: 'listening', baseUrl: server.baseUrl, latestEditMs: latestEdit(server.workspace) });
      } else if (raw.type === 'stats') {
        if (!server) throw new Error('stats asked before start');
        const cpu = process.cpuUsage(cpuStart);
        send({ type: 'stats', stats: server.stats(), cpuMs: (cpu.user + cpu.system) / 1000, rssPeakBytes: rssHighWaterBytes() });
      } else if (raw.type === 'edit') {
        if (!server) throw new Error('edit asked before start');
        send({ type: 'edited', pageIds: editPages(server, raw.fraction, raw.titles ?? true, raw.round ?? 0) });
      } else if (raw.type === 'restructure') {
        if (!server) throw new Error('restructure asked before start');
        send({ type: 'restructured', changes: restructure(server, raw.count) });
      } else if (raw.type === 'rename-hub') {
        if (!server) throw new Error('rename-hub asked before start');
        send({ type: 'renamed', ...renameHub(server) });
      } else if (raw.type === 'stop') {
        await server?.close();
        process.disconnect();
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
// The parent went away (crash, Ctrl-C): never linger as an orphan holding a port.
process.on('disconnect', () => {
  void (server?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});

/**
 * Edits every n-th page (sorted by id, so runs repeat), from the `round`-th on (each round other
 * pages: an edit in the same minute as the last leaves a page's last_edited_time as it was): its
 * first text block, and its title unless `titles` is false.
 */
function editPages(s: NotionServer, fraction: number, titles: boolean, round: number): string[] {
  const ws = s.workspace;
  const ids = Object.keys(ws.pages).sort();
  const every = Math.max(1, Math.round(1 / fraction));
  const chosen = ids.filter((_, i) => i % every === round % every);
  const edited: string[] = [];
  for (const id of chosen) {
    if (titles) s.mutate.editTitle(id, `Edited ${id.slice(0, 8)}`);
    const text = ws.pages[id]!.children.find((c) => 'rich_text' in (ws.blocks[c]?.payload ?? {}));
    if (text) s.mutate.editBlockText(text, `Edited at ${new Date().toISOString()}`);
    // A page with no text block (a row, say) is edited only by its title.
    if (titles || text) edited.push(id);
  }
  return edited;
}

/**
 * Moves `count` sub-pages to other parents, trashes `count` sub-pages that have none of their own,
 * and creates `count` new sub-pages (all chosen by id, so runs repeat). Reports the parents
 * involved and the pages pointing at the trashed ones, worked out from the workspace itself.
 */
function restructure(s: NotionServer, count: number): Restructured {
  const ws = s.workspace;
  const subPages = Object.keys(ws.pages)
    .filter((id) => ws.pages[id]!.parent.type === 'page' && !ws.pages[id]!.inTrash)
    .sort();
  const hasSubPages = (id: string) => ws.pages[id]!.children.some((c) => ws.blocks[c]?.type === 'child_page' || ws.blocks[c]?.type === 'child_database');
  const parentOf = (id: string) => (ws.pages[id]!.parent as { id: string }).id;
  const leaves = subPages.filter((id) => !hasSubPages(id));
  const trashed = leaves.slice(0, count);
  const moved = leaves.slice(count, 2 * count);
  // New parents: pages far from the moved ones in id order, never a moved or trashed page.
  const taken = new Set([...trashed, ...moved]);
  const hosts = subPages.filter((id) => !taken.has(id)).reverse();
  const parents = new Set<string>();
  const referrers = new Set<string>();
  for (const id of trashed) {
    parents.add(parentOf(id));
    for (const other of Object.values(ws.pages)) if (other.id !== id && JSON.stringify(other.properties).includes(id)) referrers.add(other.id);
    for (const b of Object.values(ws.blocks)) {
      if (b.type === 'child_page' || !JSON.stringify(b.payload).includes(id)) continue;
      const page = nearestPage(ws, { kind: 'block', id: b.id });
      if (page && page !== id) referrers.add(page);
    }
  }
  for (const id of trashed) s.mutate.trash(id);
  moved.forEach((id, i) => {
    const to = hosts.find((h, j) => j >= i && h !== parentOf(id))!;
    parents.add(parentOf(id));
    parents.add(to);
    s.mutate.movePage(id, to);
  });
  const created = hosts.slice(0, count).map((parent) => {
    parents.add(parent);
    return s.mutate.createPage({ parent, title: `Added ${new Date().toISOString()}`, children: [{ type: 'paragraph', payload: { rich_text: [] } } as never] });
  });
  for (const id of trashed) {
    parents.delete(id);
    referrers.delete(id);
  }
  return { moved, trashed, created, parents: [...parents], referrers: [...referrers] };
}

/** The latest last_edited_time of any page, block or database, in ms. */
function latestEdit(ws: WorkspaceData): number {
  let latest = 0;
  for (const o of [...Object.values(ws.pages), ...Object.values(ws.blocks), ...Object.values(ws.databases)]) latest = Math.max(latest, Date.parse(o.lastEditedTime));
  return latest;
}

/** Renames the hub page (`GenerateOptions.hubReferrers`) and lists the pages showing it: the blocks naming it, by the page they sit in. */
function renameHub(s: NotionServer): { pageId: string; shownBy: string[] } {
  const ws = s.workspace;
  const hub = Object.values(ws.pages).find((p) => p.properties.title !== undefined && JSON.stringify(p.properties.title).includes(HUB_TITLE));
  if (!hub) throw new Error('the workspace has no hub page (generate it with hubReferrers)');
  const shownBy = new Set<string>();
  for (const b of Object.values(ws.blocks)) {
    if (b.id !== hub.id && !JSON.stringify(b.payload).includes(hub.id)) continue;
    const page = nearestPage(ws, { kind: 'block', id: b.id });
    // Pages in the trash (or under a page there) are not in the archive.
    if (page && page !== hub.id && !isTrashed(ws, { kind: 'page', id: page }) && isVisible(ws, { kind: 'page', id: page })) shownBy.add(page);
  }
  s.mutate.editTitle(hub.id, `${HUB_TITLE}, renamed ${new Date().toISOString()}`);
  return { pageId: hub.id, shownBy: [...shownBy].sort() };
}
