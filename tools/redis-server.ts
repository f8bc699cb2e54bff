// A throwaway redis-server (Debian's package) on a loopback port, for tests and the benchmark: by
// default a cache (no persistence, a memory bound with LRU eviction); `queue: true` runs it as a job
// queue needs it, as compose.yaml does (no eviction, every write in its append-only file, so a
// restart keeps the jobs).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServer {
  url: string;
  /** SIGKILL, resolved once the process has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`): empty, or as it was for a queue. */
  restart(): Promise<void>;
}

export const redisServerInstalled = () => !spawnSync('redis-server', ['--version']).error;

/** A port the kernel has just handed out; another process may take it before Redis binds it, hence the retries below. */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs redis-server on `port` and resolves once it logs that it accepts connections. Redis cannot bind
 * port 0 and report it, so readiness comes from its own log, never from probing the port (which could
 * reach whichever process took it).
 */
function run(port: number, dataDir?: string): Promise<{ kill(): Promise<void> } | 'port taken'> {
  const storage = dataDir
    ? ['--dir', dataDir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction']
    : ['--save', '', '--appendonly', 'no', '--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'];
  const args = ['--port', String(port), '--bind', '127.0.0.1', ...storage];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not become ready on port ${port} within 20 s:\n${log}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(timer);
        resolve({ kill: () => (child.kill('SIGKILL'), exited) });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      if (/Address already in use/.test(log)) resolve('port taken');
      else reject(new Error(`redis-server exited on port ${port}:\n${log}`));
    });
  });
}

export async function startRedisServer(options: { queue?: boolean } = {}): Promise<RedisServer> {
  if (!redisServerInstalled()) throw new Error('redis-server is not installed: apt-get install redis-server (.ci/run does)');
  const dataDir = options.queue ? fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-redis-')) : undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await unusedPort();
    let running = await run(port, dataDir);
    if (running === 'port taken') continue;
    return {
      url: `redis://127.0.0.1:${port}`,
      kill: () => (running as { kill(): Promise<void> }).kill(),
      restart: async () => {
        const again = await run(port, dataDir);
        if (again === 'port taken') throw new Error(`port ${port} was taken while redis-server was down`);
        running = again;
      },
    };
  }
  throw new Error('redis-server found its port taken five times in a row');
}
