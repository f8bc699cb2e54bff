// The service as its own process, as in production: `node dist/app/main.js` on a loopback port,
// behind API keys, with what the bench reads of it (memory, CPU, its log lines).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
// Every service runs as production would: behind API keys, with a rate limit too high to refuse.
const BENCH_API_KEY = 'bench-api-key-0123456789';
export const PRODUCTION_ACCESS = { API_KEYS: BENCH_API_KEY, RATE_LIMIT_IMAGES: '10000000' };
export const AUTHORIZATION = { authorization: `Bearer ${BENCH_API_KEY}` };

// /proc's CPU times are in clock ticks: 100 a second on Linux (getconf CLK_TCK).
const CLOCK_TICKS = 100;

export async function startService(env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'app', 'main.js')], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', ...PRODUCTION_ACCESS, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const deadline = Date.now() + 120_000;
  let url: string | undefined;
  while (Date.now() < deadline) {
    url ??= /"url":"(http:[^"]+)\/graphql"/.exec(out)?.[1];
    if (
      url &&
      (await fetch(`${url}/ready`).then(
        (r) => r.status === 200,
        () => false,
      ))
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!url) throw new Error('the service did not start');
  const memoryMb = (field: 'VmHWM' | 'VmRSS') =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
  const peakRssMb = () => memoryMb('VmHWM');
  const rssMb = () => memoryMb('VmRSS');
  // User + system CPU of the whole process (every thread), in ms: unlike wall time, the machine's
  // drift barely moves it.
  const cpuMs = () => {
    const fields = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  };
  return { url, child, peakRssMb, rssMb, cpuMs, output: () => out };
}
