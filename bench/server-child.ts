// The bench's Notion server runs in its own process so the exporter's CPU time and memory
// are measured without the server's (the two also get a core each, as in real life).
import { buildDemoWorkspace } from '../src/notion-server/demo-workspace.js';
import { generateWorkspace } from '../src/notion-server/generate-workspace.js';
import { startNotionServer, type NotionServer } from '../src/notion-server/server.js';
import type { WorkspaceData } from '../src/notion-server/workspace-model.js';
import type { FromServer, ToServer, WorkspaceSpec } from './bench-protocol.js';
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
        });
        cpuStart = process.cpuUsage();
        send({ type: 'listening', baseUrl: server.baseUrl });
      } else if (raw.type === 'stats') {
        if (!server) throw new Error('stats asked before start');
        const cpu = process.cpuUsage(cpuStart);
        send({ type: 'stats', stats: server.stats(), cpuMs: (cpu.user + cpu.system) / 1000, rssPeakBytes: rssHighWaterBytes() });
      } else if (raw.type === 'edit') {
        if (!server) throw new Error('edit asked before start');
        send({ type: 'edited', pageIds: editPages(server, raw.fraction) });
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

/** Edits every n-th page (sorted by id, so runs repeat): its title and its first text block. */
function editPages(s: NotionServer, fraction: number): string[] {
  const ws = s.workspace;
  const ids = Object.keys(ws.pages).sort();
  const every = Math.max(1, Math.round(1 / fraction));
  const edited = ids.filter((_, i) => i % every === 0);
  for (const id of edited) {
    s.mutate.editTitle(id, `Edited ${id.slice(0, 8)}`);
    const text = ws.pages[id]!.children.find((c) => 'rich_text' in (ws.blocks[c]?.payload ?? {}));
    if (text) s.mutate.editBlockText(text, `Edited at ${new Date().toISOString()}`);
  }
  return edited;
}
