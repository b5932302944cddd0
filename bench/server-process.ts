import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerStats } from '../src/notion-server/server.js';
import type { FromServer, Restructured, ServerSpec, ToServer } from './bench-protocol.js';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

/**
 * The server holds the whole generated workspace in memory (10,000 pages × 40 blocks: about 600 MB),
 * so it gets a heap limit of its own rather than one that depends on the machine's RAM.
 */
const SERVER_HEAP_MB = 4096;

/**
 * Node flags for the server process: the exporter's own (fork's default) minus the profiling ones,
 * so that `--profile` profiles the exporter and never the server, plus the server's heap limit.
 */
export function serverExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const own = parent.filter((a) => !/^--(cpu-prof|heap-prof|max-old-space-size)/.test(a));
  return [...own, `--max-old-space-size=${SERVER_HEAP_MB}`];
}

/** A local Notion server living in a child process, driven over IPC. */
export interface ServerProcess {
  baseUrl: string;
  /** The workspace's latest last_edited_time, in ms. */
  latestEditMs: number;
  /** The server's counters, its process's CPU time since it started listening and its RSS high-water mark. */
  stats(): Promise<{ stats: ServerStats; cpuMs: number; rssPeakBytes: number }>;
  /** Edits this share of the pages (their text, and their titles unless `titles` is false; each `round` other pages); resolves with their ids. */
  edit(fraction: number, titles?: boolean, round?: number): Promise<string[]>;
  /** Moves, trashes and creates this many sub-pages each; resolves with what it did. */
  restructure(count: number): Promise<Restructured>;
  /** Renames the hub page; resolves with it and the pages showing it. */
  renameHub(): Promise<{ pageId: string; shownBy: string[] }>;
  stop(): Promise<void>;
}

/** Forks bench/server-child.ts, starts the server described by `spec` on 127.0.0.1 and resolves once it listens. */
export async function startServerProcess(spec: ServerSpec, token: string): Promise<ServerProcess> {
  const child = fork(RUN_TS, [CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: serverExecArgv() });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const listening = await request(child, { type: 'start', spec, token }, 'listening');
    return {
      baseUrl: listening.baseUrl,
      latestEditMs: listening.latestEditMs,
      stats: async () => {
        const answer = await request(child, { type: 'stats' }, 'stats');
        return { stats: answer.stats, cpuMs: answer.cpuMs, rssPeakBytes: answer.rssPeakBytes };
      },
      edit: async (fraction, titles, round) => (await request(child, { type: 'edit', fraction, ...(titles === undefined ? {} : { titles }), ...(round === undefined ? {} : { round }) }, 'edited')).pageIds,
      restructure: async (count) => (await request(child, { type: 'restructure', count }, 'restructured')).changes,
      renameHub: async () => {
        const { pageId, shownBy } = await request(child, { type: 'rename-hub' }, 'renamed');
        return { pageId, shownBy };
      },
      stop: async () => {
        if (child.connected) child.send({ type: 'stop' } satisfies ToServer);
        await exited;
      },
    };
  } catch (err) {
    if (child.exitCode === null) child.kill();
    await exited;
    throw err;
  }
}

function request<T extends FromServer['type']>(child: ChildProcess, message: ToServer, expect: T): Promise<Extract<FromServer, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromServer) => {
      cleanup();
      if (m.type === expect) resolve(m as Extract<FromServer, { type: T }>);
      else if (m.type === 'error') reject(new Error(`bench server: ${m.message}`));
      else reject(new Error(`bench server: expected "${expect}", got "${m.type}"`));
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`bench server: process exited (code ${code}) before answering "${message.type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(message);
  });
}
