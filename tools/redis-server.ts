// A throwaway redis-server (Debian's package) on a free loopback port, for tests and the benchmark:
// no persistence, a memory bound with LRU eviction, as compose.yaml runs it.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';

export interface RedisServer {
  url: string;
  /** SIGKILL, resolved once the process has exited. */
  kill(): Promise<void>;
}

export const redisServerInstalled = () => !spawnSync('redis-server', ['--version']).error;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

export async function startRedisServer(): Promise<RedisServer> {
  if (!redisServerInstalled()) throw new Error('redis-server is not installed: apt-get install redis-server (.ci/run does)');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not accept connections on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}
