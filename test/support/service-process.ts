// The built service as users run it: `node dist/app/main.js` in its own process, configured by
// environment variables (nothing else of this process's environment leaks in but PATH).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const MAIN = path.join(__dirname, '..', '..', 'dist', 'app', 'main.js');

export interface ServiceProcess {
  child: ChildProcess;
  /** The exit code, or the signal that ended the process (a crash reads as SIGSEGV or SIGABRT). */
  exited: Promise<number | NodeJS.Signals | null>;
  output(): { stdout: string; stderr: string };
  /** The log lines written so far, parsed (JSON output: NODE_ENV other than development, or no TTY). */
  logLines(): Array<Record<string, unknown>>;
}

export function runService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const logLines = () =>
    `${stdout}\n${stderr}`
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, exited, output: () => ({ stdout, stderr }), logLines };
}

/** Polls `probe` every `intervalMs` until it answers something other than undefined. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 60_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts the service on a free loopback port and resolves with its base URL once /ready says 200. */
export async function startService(env: Record<string, string>): Promise<ServiceProcess & { url: string }> {
  const service = runService({ PORT: '0', HOST: '127.0.0.1', WORKER_THREADS: '1', NODE_ENV: 'production', ...env });
  const url = await waitFor(() => /"url":"(http:[^"]+)\/graphql"/.exec(service.output().stdout)?.[1], 'the listening line');
  await waitFor(async () => ((await fetch(`${url}/ready`).then((r) => r.status)) === 200 ? true : undefined), '/ready');
  return { ...service, url };
}
