// The decoder's process (decoder-child.ts, FFmpeg's libraries from node-av's npm package): untrusted
// files are parsed there, never in the service. Each run is bounded: its address space and CPU time
// by prlimit (RLIMIT_AS, RLIMIT_CPU), its priority below the service's, its wall time by a deadline.
// A process serves one command and exits. A probe in a fresh process takes 428 ms (node-av's libraries
// loaded first), in a spare already waiting 76 ms (BENCH_ONLY=decoder, idle cores), so SPARES processes
// are kept started and waiting for a command on stdin (two: a job's decode and the next request's probe
// often come together).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { buildOutput } from '../build-output';
import { describeProbe, unsupported, type ProbeJson, type VideoInfo, type VideoLimits } from './video-probe';

export interface DecoderLimits {
  /** The decoder process's address space (VIDEO_DECODER_MAX_MEMORY_MB): past it, allocations fail and the decode ends. */
  maxMemoryBytes: number;
  /** Its CPU time (VIDEO_DECODER_MAX_CPU_SECONDS): past it, the kernel ends it (SIGXCPU). */
  maxCpuSeconds: number;
}

/** The decoder's niceness: 10 of 19, where the service runs at 0 (photos served meanwhile come first). */
const DECODER_NICENESS = 10;

/** Decoder processes kept waiting (78 MB of RSS each, idle). */
const SPARES = 2;

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((file) => fs.existsSync(file));

/** What ended a decoder run that did not finish its answer, in words a client may read. */
export function decoderExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal === 'SIGXCPU' || signal === 'SIGKILL') return 'the decoder ran out of its CPU time or was stopped';
  if (signal === 'SIGSEGV' || signal === 'SIGBUS' || signal === 'SIGABRT') return 'the decoder crashed on the file';
  if (signal) return `the decoder was ended (${signal})`;
  return `the decoder failed (exit code ${code})`;
}

export class DecoderProcess {
  private readonly script: string;
  /** Started, libraries loaded (or loading), waiting for a command on stdin; the oldest first. */
  private spares: ChildProcess[] = [];
  private closed = false;

  constructor(readonly limits: DecoderLimits) {
    const script = buildOutput('src/video/decoder-child.js');
    if (!script) throw new Error('The video decoder is not built (dist/src/video/decoder-child.js is missing): run `npm run build`.');
    this.script = script;
  }

  /**
   * Runs one command of the decoder (see decoder-child.ts) in a spare, or a new process; stdout carries
   * its answer. The spares are started by the first command: a service that never sees a video has none.
   */
  start(args: string[], { spares = SPARES }: { spares?: number } = {}): ChildProcess {
    this.spares = this.spares.filter((spare) => spare.exitCode === null && spare.signalCode === null);
    const child = this.spares.shift() ?? this.spawnChild();
    holdsOpen(child, true);
    child.stdin!.end(JSON.stringify(args));
    while (!this.closed && this.spares.length < spares) this.spares.push(holdsOpen(this.spawnChild(), false));
    return child;
  }

  /** Ends the spares; later commands start their own process. */
  close(): void {
    this.closed = true;
    for (const spare of this.spares) spare.kill('SIGKILL');
    this.spares = [];
  }

  private spawnChild(): ChildProcess {
    const node = [process.execPath, '--no-warnings', this.script];
    // Without prlimit (not Linux), the limits cannot be set: the deadline and the frame caps still hold.
    const command = PRLIMIT ? [PRLIMIT, `--as=${this.limits.maxMemoryBytes}`, `--cpu=${this.limits.maxCpuSeconds}`, '--', ...node] : node;
    const child = spawn(command[0]!, command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    // A spare that fails to start is found out when it is taken (it has exited), or by its command's reader.
    child.on('error', () => undefined);
    child.stdin!.on('error', () => undefined);
    if (child.pid !== undefined) {
      try {
        os.setPriority(child.pid, DECODER_NICENESS);
      } catch {
        // Already gone (the caller sees how it ended), or a platform that does not allow it.
      }
    }
    return child;
  }

  /**
   * A command's JSON answer (probe, frame-times, version); rejects with the decoder's reason when it
   * fails, crashes, answers more than `maxBytes` or takes longer than `timeoutMs`.
   */
  async json<T>(args: string[], { timeoutMs, maxBytes, spares }: { timeoutMs: number; maxBytes: number; spares?: number }): Promise<T> {
    const child = this.start(args, { spares });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) child.kill('SIGKILL');
      else chunks.push(chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (c, s) => resolve([c, s]));
      });
      if (code !== 0 || size > maxBytes) throw new Error(stderr.trim().split('\n').pop() || decoderExit(code, signal));
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A file's facts, checked against the limits; a file the decoder cannot read is UNSUPPORTED_VIDEO. */
  async probe(file: string, limits: VideoLimits): Promise<VideoInfo> {
    return (await this.probeFile(file, limits, false)).info;
  }

  /** probe(), and in the same process the frame times (`frameTimes`), for a clip about to be planned at once. */
  probeWithFrameTimes(file: string, limits: VideoLimits): Promise<{ info: VideoInfo; frameTimes?: number[] }> {
    return this.probeFile(file, limits, true);
  }

  /**
   * The presentation time (seconds) of every frame of the video stream, ascending, from its packets
   * (demuxed, not decoded: a second or two for a long clip); undefined when there are none.
   */
  async frameTimes(file: string): Promise<number[] | undefined> {
    return usableTimes((await this.probeJson(file, true)).frame_times);
  }

  private async probeFile(file: string, limits: VideoLimits, withFrameTimes: boolean) {
    let probe: Awaited<ReturnType<DecoderProcess['probeJson']>>;
    try {
      probe = await this.probeJson(file, withFrameTimes);
    } catch {
      throw unsupported('The file is not a video the service can read.');
    }
    return { info: describeProbe(probe, limits), frameTimes: usableTimes(probe.frame_times) };
  }

  private probeJson(file: string, withFrameTimes: boolean): Promise<ProbeJson & { frame_times?: number[] }> {
    const args = ['probe', file, ...(withFrameTimes ? ['frame-times'] : [])];
    return this.json(args, { timeoutMs: withFrameTimes ? 60_000 : 30_000, maxBytes: 256 * 1024 * 1024 });
  }

  /** The FFmpeg libraries' version, e.g. `8.1-Jellyfin` (serviceInfo). */
  version(): Promise<string> {
    return this.json<{ version: string }>(['version'], { timeoutMs: 30_000, maxBytes: 4096, spares: 0 }).then((v) => v.version);
  }
}

/** Frame times a segment plan can index: some, all finite. */
const usableTimes = (times: number[] | undefined) => (times && times.length > 0 && times.every(Number.isFinite) ? times : undefined);

/**
 * Whether the process and its pipes keep this one's event loop alive: a spare does not (the service
 * exits without waiting for it, and the spare exits when its stdin closes); a process at work does.
 */
function holdsOpen(child: ChildProcess, hold: boolean): ChildProcess {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<{ ref?(): void; unref?(): void } | null>) {
    if (hold) handle?.ref?.();
    else handle?.unref?.();
  }
  return child;
}
