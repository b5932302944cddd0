import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerStats } from '../src/notion-server/server.js';
import type { FromServer, ServerSpec, ToServer } from './bench-protocol.js';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url));

/** A local Notion server living in a child process, driven over IPC. */
export interface ServerProcess {
  baseUrl: string;
  /** The server's counters and its process's CPU time since it started listening. */
  stats(): Promise<{ stats: ServerStats; cpuMs: number }>;
  stop(): Promise<void>;
}

/** Forks bench/server-child.ts, starts the server described by `spec` on 127.0.0.1 and resolves once it listens. */
export async function startServerProcess(spec: ServerSpec, token: string): Promise<ServerProcess> {
  const child = fork(RUN_TS, [CHILD], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const listening = await request(child, { type: 'start', spec, token }, 'listening');
    return {
      baseUrl: listening.baseUrl,
      stats: async () => {
        const answer = await request(child, { type: 'stats' }, 'stats');
        return { stats: answer.stats, cpuMs: answer.cpuMs };
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
