// `npm run bench`: latency, overhead, throughput and memory of the service, measured in one run.
// The server runs as its own process (as in production); the direct engine calls run here.
import { DEFAULT_MIN_FACE_SIZE } from '../src/detection/detection-options';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { alignFace, chipTransform, CropFormat, cropImage, FacePart, partBox } from '../src/crops/face-crops';
import { invertSimilarity } from '../src/geometry/similarity';
import { headPoseFromMesh } from '../src/geometry/head-pose';
import { eyesFromMesh, mouthFromMesh } from '../src/geometry/eyes-and-mouth';
import { fivePointsFrom68 } from '../src/geometry/landmarks';
import { ibug68FromMesh } from '../src/geometry/mesh-to-ibug68';
import { unpackMesh } from '../src/providers/embedded/mediapipe/face-mesh';
import { checkImage, type CheckedImage } from '../src/image/image-decoder';
import 'reflect-metadata';
import { loadConfig } from '../src/config';
import { startMxfaceServer } from '../tools/mxface-server/mxface-server';
import { Providers } from '../src/providers/providers';
import { startServer } from '../src/server/create-server';
import { DecoderProcess } from '../src/video/decoder-process';
import { analyseClip, planClip } from '../src/video/video-analysis';
import { encodeAnalysis } from '../src/video/analysis-codec';
import { ANALYSIS_PHASES, emptyTimings, type AnalysisTimings } from '../src/video/analysis-timings';
import { GRAPH_TIMES_CHANNEL, GRAPH_TIMES_EVERY_MS, type GraphTime } from '../src/providers/embedded/engine-protocol';
import { BroadcastChannel } from 'node:worker_threads';
import { buildFacemarkSchema } from '../resolvers';
import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import { ProviderName } from '../src/config';
import { configureLogging } from '../src/logger';
import { at } from '../src/checked';
import { redisServerInstalled, startRedisServer } from '../tools/redis-server';
import { footageRecall, walkingFootage } from '../tools/walking-footage';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { request } from 'undici';
import { path as ffmpegPath } from '@ffmpeg-installer/ffmpeg';
import * as ort from 'onnxruntime-node';
import { loadInferenceGraph, onnxSession, type InferenceGraph } from '../src/providers/embedded/inference-graph';
import { convertedModelPath, modelOutputs, type ConvertedModelName } from '../src/providers/embedded/onnx-models';
import { useWasmBackend } from '../src/providers/embedded/tf-runtime';
import type { Box } from '../src/geometry/geometry';
import { sharedPath } from '../tools/shared-folder';
import { makeStageClip, STAGE_SHOTS } from '../tools/stage-clip';
import { AUTHORIZATION, PRODUCTION_ACCESS, startService } from './service-process';
import { benchCompose } from './compose';
import { benchHardFaces, benchTurnedFaces } from './hard-faces';
import { benchVideoQueue } from './video-queue';
import { benchDescriptorBatches, benchPeople } from './people';
import { jobEnded, jobWhenEnded, submitVideo } from './video-jobs';

const ROOT = path.resolve(__dirname, '..', '..');
// The in-process servers' request logs (written as production writes them, kept out of the report).
const SERVICE_LOG = path.join(ROOT, 'dist', 'bench-service.log');
const DATASETS = sharedPath('datasets');
const LATENCY_RUNS = Number(process.env.BENCH_RUNS ?? 40);
const THROUGHPUT_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 48);
// Throughput as load tools measure it: requests ended within a window at a steady concurrency, after a
// ramp (the first responses) and without the tail, which a fixed number of requests includes.
const RAMP_MS = 300;
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 1500);
// Latency in runs of this many consecutive requests to one service, as a client of it sends them.
const LATENCY_RUN = 10;
const SOAK_REQUESTS = Number(process.env.BENCH_SOAK ?? 3000);
const SETTINGS = { minConfidence: 0.3, maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE, provider: ProviderName.EMBEDDED };
const LIMITS = { maxPixels: 40_000_000, maxSide: 1280 };

const QUERY = `mutation($image: ImageInput!) { detectLandmarks(image: $image) {
  faces { rectangle { x y width height } confidence quality landmarks { type point { x y } } } userErrors { code } } }`;
const QUERY_BOXES = `mutation($image: ImageInput!, $minFaceSize: Int) { detectLandmarks(image: $image, options: { maxFaces: 50, minFaceSize: $minFaceSize }) { faces { rectangle { x y width height } } } }`;
/** The 6-face photo of the throughput comparison. */
const groupPhoto = () => photo('6 faces, bbt4.jpg', 'photos/bbt4.jpg');

interface Photo {
  name: string;
  bytes: Buffer;
  base64: string;
  /** Its detectLandmarks request body, built once (see postDetect). */
  request: Buffer;
  decoded: CheckedImage;
}

const detectRequest = (base64: string) => Buffer.from(JSON.stringify({ query: QUERY, variables: { image: { base64 } } }));

async function photo(name: string, file: string, longSide?: number): Promise<Photo> {
  let bytes = fs.readFileSync(path.join(DATASETS, file));
  if (longSide) bytes = await sharp(bytes).resize(longSide, longSide, { fit: 'inside' }).jpeg({ quality: 90 }).toBuffer();
  const decoded = await checkImage({ bytes, sha256: name }, LIMITS);
  const base64 = bytes.toString('base64');
  return { name, bytes, base64, request: detectRequest(base64), decoded };
}

/** The photo re-encoded at each of these widths: distinct bytes (no cache or de-duplication applies), same face. */
async function distinctPhotos(single: Photo, widths: number[], quality = 90): Promise<Photo[]> {
  return Promise.all(
    widths.map(async (width) => {
      const bytes = await sharp(single.bytes).resize(width).jpeg({ quality }).toBuffer();
      const decoded = await checkImage({ bytes, sha256: `${single.name} at ${width}` }, LIMITS);
      const base64 = bytes.toString('base64');
      return { name: `${single.name} at ${width} px`, bytes, base64, request: detectRequest(base64), decoded };
    }),
  );
}

/** Widths from 640 down, one pixel apart. */
const widthsFrom640 = (count: number) => Array.from({ length: count }, (_, i) => 640 - i);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A target's verdict beside its figure, which three decimals print (1.797x is not 1.8x). */
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * What a video decoder process costs to start: a probe of walking.mp4 in a fresh process (node-av's
 * libraries loaded for it) and in a spare already waiting, against the npm ffmpeg program opening the
 * same file to its first frame; with the cores idle, then with both kept busy. Median of 5 each, ms.
 */
async function benchDecoderStartup() {
  const walking = path.join(DATASETS, 'video', 'walking.mp4');
  const limits = { maxPixels: 1e8, maxSeconds: 3600 };
  const median = (values: number[]) => percentile(values, 50)!;
  const round = async () => {
    const fresh: number[] = [];
    const spare: number[] = [];
    const program: number[] = [];
    for (let k = 0; k < 5; k++) {
      const decoder = new DecoderProcess({ maxMemoryBytes: 2 ** 31, maxCpuSeconds: 600 });
      fresh.push(await timed(() => decoder.probe(walking, limits))); // no spare yet: this starts one process, then the spares
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the spares have loaded
      spare.push(await timed(() => decoder.probe(walking, limits)));
      decoder.close();
      program.push(await timed(() => promisify(execFile)(ffmpegPath, ['-v', 'error', '-i', walking, '-map', '0:v:0', '-frames:v', '1', '-f', 'null', '-'])));
    }
    return { freshMs: median(fresh), spareMs: median(spare), ffmpegMs: median(program) };
  };
  const idle = await round();
  // Two busy loops at the service's priority, one a core, for the whole round.
  const burners = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const busy = await round().finally(() => burners.forEach((b) => b.kill('SIGKILL')));
  console.log('\nThe video decoder process: a probe of walking.mp4, median of 5, ms');
  console.log('| cores | fresh process (loads node-av) | a spare waiting | the npm ffmpeg program, to the first frame |\n|---|---|---|---|');
  for (const [name, r] of [
    ['idle', idle],
    ['both busy', busy],
  ] as const) {
    console.log(`| ${name} | ${r.freshMs.toFixed(0)} | ${r.spareMs.toFixed(0)} | ${r.ffmpegMs.toFixed(0)} |`);
  }
  return { idle, busy };
}

interface VideoJobResult {
  status: string;
  progress: number;
  framesAnalysed: number;
  tracks: Array<{ id: string; frameCount: number; firstFrame: number; lastFrame: number; faces: Array<{ frame: number; rectangle: Box }> }>;
}

/** Runs a job to its end, followed by its subscription; or asked every 100 ms, and `onPoll` sees its progress each time. */
async function analyseOnService(url: string, file: string, options: { sampleFps?: number; minFaceSize?: number } = {}, onPoll?: (progress: number) => void) {
  const started = performance.now();
  const id = await submitVideo(url, file, options);
  const fields = 'framesAnalysed tracks { id frameCount firstFrame lastFrame faces { frame rectangle { x y width height } } }';
  const job = onPoll ? await jobWhenEnded<VideoJobResult>(url, id, fields, (j) => onPoll(j.progress)) : await jobEnded<VideoJobResult>(url, id, fields);
  return { seconds: (performance.now() - started) / 1000, job };
}

/**
 * What the 68 points' refinement costs (#29): two services, LANDMARK_REFINER=cascade (the default) and
 * none, the same threads, measured in turn in one run (which goes first alternating by round). Photos:
 * after 100 requests each, 10 rounds of 20 requests to each in turn, p50 over all; video: each clip
 * analysed by each in turn, 3 rounds, frames/s the median.
 */
async function benchRefiner(threads: number, single: Photo, group: Photo) {
  const variants: Array<{ label: string; env: Record<string, string> }> = [
    { label: 'LANDMARK_REFINER=cascade (default)', env: {} },
    { label: 'LANDMARK_REFINER=none', env: { LANDMARK_REFINER: 'none' } },
  ];
  const services = [];
  for (const { env } of variants) services.push(await startService({ WORKER_THREADS: String(threads), MAX_VIDEO_SECONDS: '3600', ...env }));
  const photoRows = [];
  for (const p of [single, group]) {
    for (const service of services) for (let i = 0; i < 100; i++) await postDetect(service.url, p);
    const times = services.map(() => [] as number[]);
    for (let round = 0; round < 10; round++)
      for (const [k, service] of inTurn(services, round)) for (let i = 0; i < 20; i++) times[k]!.push(await timed(() => postDetect(service.url, p)));
    const p50s = times.map((t) => percentile(t, 50));
    photoRows.push({ photo: p.name, p50s, ratio: p50s[0]! / p50s[1]! });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-bench-refiner-'));
  const videoRows = [];
  try {
    for (const clip of await benchClips(dir)) {
      const rates = services.map(() => [] as number[]);
      for (let round = 0; round < 3; round++)
        for (const [k, service] of inTurn(services, round)) {
          const { seconds, job } = await analyseOnService(service.url, clip.file);
          rates[k]!.push(job.framesAnalysed / seconds);
        }
      const fps = rates.map((r) => percentile(r, 50));
      videoRows.push({ clip: clip.name, fps, ratio: fps[0]! / fps[1]! });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const service of services) service.child.kill('SIGTERM');
  }
  console.log(`\nThe 68 points' refinement, ${threads} worker threads, ${variants.map((v) => v.label).join(' vs ')}, in turn:`);
  console.log('| photo | p50 refined | p50 unrefined | ratio |');
  console.log('|---|---|---|---|');
  for (const r of photoRows) console.log(`| ${r.photo} | ${r.p50s[0]!.toFixed(1)} ms | ${r.p50s[1]!.toFixed(1)} ms | ${r.ratio.toFixed(3)} |`);
  console.log('| video | frames/s refined | frames/s unrefined | ratio |');
  console.log('|---|---|---|---|');
  for (const r of videoRows) console.log(`| ${r.clip} | ${r.fps[0]!.toFixed(1)} | ${r.fps[1]!.toFixed(1)} | ${r.ratio.toFixed(3)} |`);
  return { photos: photoRows, videos: videoRows };
}

/**
 * What the small-face pass (#29) costs and finds: one service, the default minFaceSize (20: the pass
 * runs on pictures over 640 px) against 60 (its first look sees those: no pass), in turn per picture
 * (which goes first alternating by round), 3 rounds; the p50 of each, walking.mp4's recall with each,
 * and analyzeVideo of walking.mp4 with each.
 */
async function benchSmallFaces(threads: number) {
  const service = await startService({ WORKER_THREADS: String(threads) });
  const sizes = [DEFAULT_MIN_FACE_SIZE, 60];
  const boxesOf = (bytes: Buffer, minFaceSize: number) => detectBoxes(service.url, bytes.toString('base64'), minFaceSize);
  try {
    const frames = await walkingFootage(path.join(DATASETS, 'video'));
    const pictures = [
      { name: 'walking.mp4, 21 frames, 1920x1080 PNG', files: frames.map((f) => f.bytes) },
      { name: 'bbt1.jpg, 1366x768', files: [fs.readFileSync(path.join(DATASETS, 'photos', 'bbt1.jpg'))] },
    ];
    const rows = [];
    for (const picture of pictures) {
      for (const size of sizes) for (const bytes of picture.files) await boxesOf(bytes, size);
      const times = sizes.map(() => [] as number[]);
      for (let round = 0; round < 3; round++)
        for (const bytes of picture.files) for (const [k, size] of inTurn(sizes, round)) times[k]!.push(await timed(() => boxesOf(bytes, size)));
      const p50s = times.map((t) => percentile(t, 50));
      rows.push({ picture: picture.name, p50s, ratio: p50s[0]! / p50s[1]! });
    }
    const recall = [];
    for (const size of sizes) {
      let found = 0;
      let unlisted = 0;
      for (const frame of frames) {
        const r = footageRecall(frame.listed, await boxesOf(frame.bytes, size));
        found += r.found;
        unlisted += r.unlisted;
      }
      recall.push({ minFaceSize: size, found, unlisted });
    }
    const clip = path.join(DATASETS, 'video', 'walking.mp4');
    const rates = sizes.map(() => [] as number[]);
    const faces = sizes.map(() => 0);
    for (let round = 0; round < 3; round++)
      for (const [k, minFaceSize] of inTurn(sizes, round)) {
        const { seconds, job } = await analyseOnService(service.url, clip, { minFaceSize });
        rates[k]!.push(job.framesAnalysed / seconds);
        faces[k] = job.tracks.reduce((sum, t) => sum + t.frameCount, 0);
      }
    const video = sizes.map((minFaceSize, k) => ({ minFaceSize, fps: percentile(rates[k]!, 50), faces: faces[k]! }));
    console.log(`\nThe small-face pass, ${threads} worker threads, minFaceSize ${sizes.join(' vs ')} (no pass), in turn:`);
    console.log('| picture | p50 with the pass | p50 without | ratio |');
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.picture} | ${r.p50s[0]!.toFixed(0)} ms | ${r.p50s[1]!.toFixed(0)} ms | ${r.ratio.toFixed(2)} |`);
    for (const r of recall) console.log(`walking.mp4, minFaceSize ${r.minFaceSize}: ${r.found}/120 listed faces found, ${r.unlisted} not in the list`);
    for (const v of video)
      console.log(
        `analyzeVideo of walking.mp4 (1920x1080), minFaceSize ${v.minFaceSize}: ${v.fps.toFixed(1)} frames/s (median of 3), ${v.faces} faces on tracks`,
      );
    return { rows, recall, video };
  } finally {
    service.child.kill('SIGTERM');
  }
}

/** The variants with their indexes, in the other order every second round: neither always goes first. */
const inTurn = <T>(variants: readonly T[], round: number): Array<[number, T]> => {
  const entries = [...variants.entries()];
  return round % 2 === 0 ? entries : entries.reverse();
};

/** The clips the video figures are measured on: walking.mp4, a 640x360 copy, and the stage clip (tools/stage-clip.ts). */
async function benchClips(dir: string) {
  const walking = path.join(DATASETS, 'video', 'walking.mp4');
  const small = path.join(dir, 'walking-640.mp4');
  await promisify(execFile)(ffmpegPath, ['-v', 'error', '-i', walking, '-vf', 'scale=640:360', '-c:v', 'libx264', '-an', small]);
  const stage = path.join(dir, 'stage.mp4');
  makeStageClip(ffmpegPath, stage);
  const clips = [
    { name: 'walking.mp4, 1920x1080, 4.2 s', file: walking, seconds: 4.2 },
    { name: 'walking.mp4 at 640x360', file: small, seconds: 4.2 },
    { name: 'the stage clip, 640x360, 6 s', file: stage, seconds: 6, shots: STAGE_SHOTS },
  ];
  // BENCH_CLIP=stage (any part of a name): those clips only, for BENCH_ONLY=video-clips while tuning.
  return clips.filter((c) => !process.env.BENCH_CLIP || c.name.includes(process.env.BENCH_CLIP));
}

/**
 * analyzeVideo against a user's own loop (every frame a JPEG through detectLandmarks, WORKER_THREADS in
 * flight) on each clip, in one run of one service; per shot where a clip has shots.
 */
async function benchVideoClips(url: string, threads: number, clips: Awaited<ReturnType<typeof benchClips>>) {
  const rows = [];
  const shotRows: string[] = [];
  console.log(
    `\nVideo: analyzeVideo against a user's own loop (every frame to a JPEG with ffmpeg, then detectLandmarks with ${threads} requests in flight, timed from the file), one service process`,
  );
  console.log(
    '| clip | analyzeVideo frames/s | the loop frames/s (of which JPEG extraction s) | ratio | faces: job / loop | frames with a face: job / loop | real-time factor | tracks (frames each) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const clip of clips) {
    await analyseOnService(url, clip.file); // warm: the first job pays for the engine's first large frames
    const video = await analyseOnService(url, clip.file);
    const loop = await userFrameLoop(url, clip.file, threads);
    const videoFps = video.job.framesAnalysed / video.seconds;
    const loopFps = loop.frames / loop.seconds;
    const lengths = video.job.tracks.map((t) => t.frameCount).sort((a, b) => b - a);
    const counts = (first: number, last: number) => {
      const jobFaces = video.job.tracks.flatMap((t) => t.faces.filter((f) => f.frame >= first && f.frame <= last));
      const loopFaces = loop.faces.slice(first, last + 1);
      return {
        faces: { job: jobFaces.length, loop: loopFaces.reduce((sum, n) => sum + n, 0) },
        framesWithFace: { job: new Set(jobFaces.map((f) => f.frame)).size, loop: loopFaces.filter((n) => n > 0).length },
      };
    };
    const all = counts(0, Infinity);
    const row = {
      name: clip.name,
      videoFps,
      loopFps,
      loopExtractSeconds: loop.extractSeconds,
      ratio: videoFps / loopFps,
      ...all,
      realTime: clip.seconds / video.seconds,
      tracks: video.job.tracks.length,
      lengths,
      shots: clip.shots?.map((shot) => ({
        ...shot,
        ...counts(shot.first, shot.last),
        // Tracks with faces on both sides of the shot's first frame: a track across a cut.
        acrossCut: video.job.tracks.filter((t) => t.faces.some((f) => f.frame < shot.first) && t.faces.some((f) => f.frame >= shot.first)).length,
      })),
    };
    rows.push({ ...row, job: video.job });
    console.log(
      `| ${clip.name} | ${videoFps.toFixed(2)} | ${loopFps.toFixed(2)} (${loop.extractSeconds.toFixed(2)}) | ${row.ratio.toFixed(2)} | ${all.faces.job} / ${all.faces.loop} | ${all.framesWithFace.job} / ${all.framesWithFace.loop} | ${row.realTime.toFixed(2)} | ${row.tracks} (${lengths.join(', ')}) |`,
    );
    for (const shot of row.shots ?? []) {
      shotRows.push(
        `| ${shot.name} | ${shot.first}-${shot.last} | ${shot.faces.job} / ${shot.faces.loop} | ${shot.framesWithFace.job} / ${shot.framesWithFace.loop} | ${shot.acrossCut} |`,
      );
    }
  }
  if (shotRows.length > 0) {
    console.log(
      '\nThe stage clip per shot\n| shot | frames | faces: job / loop | frames with a face: job / loop | tracks across the cut into it |\n|---|---|---|---|---|',
    );
    for (const line of shotRows) console.log(line);
  }
  return rows;
}

/**
 * Where an analysis's time goes, in this process (as the service runs a job with VIDEO_WORKERS at its
 * default): the analysis's own path by phase (src/video/analysis-timings.ts), the engine's graph time
 * (posted by its workers), and the inference floor: the graph time shared over the workers, against
 * which the analysis's frames/s is set.
 */
async function benchVideoSplit(threads: number, clips: Awaited<ReturnType<typeof benchClips>>) {
  const engine = new EmbeddedProvider({ threads, engine: 'mediapipe', timeGraphs: true });
  await engine.start();
  const graphTimes = new Map<string, number>();
  const channel = new BroadcastChannel(GRAPH_TIMES_CHANNEL);
  channel.onmessage = (event) => {
    const { graph, ms } = (event as { data: GraphTime }).data;
    graphTimes.set(graph, (graphTimes.get(graph) ?? 0) + ms);
  };
  const maxSeconds = 3600;
  const decoder = new DecoderProcess({ maxMemoryBytes: 4 * 2 ** 30, maxCpuSeconds: maxSeconds });
  // As the service the other tables ran (startService passes the bench's environment on).
  const videoWorkers = loadConfig({ WORKER_THREADS: String(threads), VIDEO_WORKERS: process.env.VIDEO_WORKERS }).video.workers;
  const rows = [];
  console.log(
    `\nWhere an analysis's time goes (in one process, ${threads} engine workers, at most ${videoWorkers} segment(s) side by side as the service by default), ms per frame, the segments' paths added up (the rest: the wall time times the segments side by side, less the phases)`,
  );
  console.log(
    `| clip | frames/s | ${ANALYSIS_PHASES.join(' | ')} | the rest | results (encoded) | graph time: ${GRAPHS.join(' / ')} | inference floor frames/s | job / floor |`,
  );
  console.log(`|---|---|${ANALYSIS_PHASES.map(() => '---|').join('')}---|---|---|---|---|`);
  try {
    for (const clip of clips) {
      const info = await decoder.probe(clip.file, { maxPixels: 1e8, maxSeconds });
      const sideBySide = Math.min(videoWorkers, (await planClip(decoder, clip.file, info, videoWorkers)).starts.length);
      const analyse = (timings?: AnalysisTimings) =>
        analyseClip({
          decoder,
          maxSeconds,
          workers: videoWorkers,
          file: clip.file,
          info,
          smoothing: true,
          settings: { minConfidence: 0.3, maxFaces: 20, minFaceSize: DEFAULT_MIN_FACE_SIZE, provider: ProviderName.EMBEDDED },
          detector: engine,
          analyser: engine,
          detectionMaxSide: 1280,
          timings,
        });
      await analyse(); // warm
      await new Promise((resolve) => setTimeout(resolve, 3 * GRAPH_TIMES_EVERY_MS)); // the warm run's last graph times have arrived
      graphTimes.clear();
      const timings = emptyTimings();
      const started = performance.now();
      const result = await analyse(timings);
      const ms = performance.now() - started;
      const encodeStarted = performance.now();
      encodeAnalysis(result);
      const resultsMs = performance.now() - encodeStarted;
      await new Promise((resolve) => setTimeout(resolve, 3 * GRAPH_TIMES_EVERY_MS));
      const frames = result.framesAnalysed;
      const graphMs = GRAPHS.map((g) => graphTimes.get(g) ?? 0);
      const floorFps = frames / (graphMs.reduce((a, b) => a + b, 0) / threads / 1000);
      const rest = ms * sideBySide - ANALYSIS_PHASES.reduce((sum, p) => sum + timings[p], 0);
      const fps = frames / (ms / 1000);
      const perFrame = (v: number) => (v / frames).toFixed(1);
      rows.push({
        name: clip.name,
        fps,
        timings,
        restMs: rest,
        resultsMs,
        graphMs: Object.fromEntries(GRAPHS.map((g, i) => [g, graphMs[i]])),
        floorFps,
        frames,
      });
      console.log(
        `| ${clip.name} | ${fps.toFixed(2)} | ${ANALYSIS_PHASES.map((p) => perFrame(timings[p])).join(' | ')} | ${perFrame(rest)} | ${perFrame(resultsMs)} | ${graphMs.map(perFrame).join(' / ')} | ${floorFps.toFixed(1)} | ${(fps / floorFps).toFixed(2)} |`,
      );
    }
  } finally {
    channel.close();
    decoder.close();
    await engine.close();
  }
  return rows;
}
const GRAPHS = ['blazeface-back', 'facemesh-attention', 'faceboxes'];

/**
 * Video: the clip table (benchVideoClips), walking.mp4's recall, a photo's latency during a job, and a
 * 10-minute clip's time and memory.
 */
async function benchVideo(threads: number) {
  const service = await startService({ WORKER_THREADS: String(threads), MAX_VIDEO_SECONDS: '3600', MAX_VIDEO_BYTES: String(500 * 1024 * 1024) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-bench-video-'));
  const walking = path.join(DATASETS, 'video', 'walking.mp4');
  const analyse = (file: string, options: { sampleFps?: number } = {}, onPoll?: (progress: number) => void) =>
    analyseOnService(service.url, file, options, onPoll);
  const clips = await benchClips(dir);
  const clipRows = await benchVideoClips(service.url, threads, clips);
  const walkingRecall = trackRecall(clipRows[0]!.job.tracks);
  const rows = clipRows.map(({ job: _job, ...row }) => row);
  console.log(
    `\nwalking.mp4's tracks against walking-faces.json: ${walkingRecall.found} of ${walkingRecall.listed} listed faces (IoU >= 0.3), ${walkingRecall.unlisted} boxes not listed`,
  );
  // A photo's latency while a video job runs, against the same photo with the service idle.
  const single = await photo('single face, 640 px', 'dlib-faces/Tom_Cruise_avp_2014_4.jpg', 640);
  const photoTimes = async (until: () => boolean, count: number) => {
    const times: number[] = [];
    while (times.length < count && until()) times.push(await timed(() => postDetect(service.url, single)));
    return times;
  };
  const idle = await photoTimes(() => true, 30);
  let videoRunning = true;
  const job = analyse(walking).then(() => (videoRunning = false));
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the job has started decoding
  const during = await photoTimes(() => videoRunning, 30);
  await job;
  const photoDuringVideo = { idleP50: percentile(idle, 50), duringP50: percentile(during, 50), samples: during.length };
  console.log(
    `\nA 640 px photo while walking.mp4 is analysed: p50 ${photoDuringVideo.duringP50.toFixed(0)} ms (${during.length} requests) against ${photoDuringVideo.idleP50.toFixed(0)} ms idle: ${(photoDuringVideo.duringP50 / photoDuringVideo.idleP50).toFixed(2)}x`,
  );

  // Memory over a long clip: 10 minutes of walking.mp4 looped at 640x360, analysed at 2 frames a second.
  const long = path.join(dir, 'walking-10min.mp4');
  await promisify(execFile)(ffmpegPath, [
    '-v',
    'error',
    '-stream_loop',
    '-1',
    '-i',
    walking,
    '-t',
    '600',
    '-vf',
    'scale=640:360',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '30',
    '-an',
    long,
  ]);
  // RSS from /proc: it also counts garbage not yet collected, hence the collected figures below.
  const samples: Array<{ progress: number; rss: number }> = [];
  let lastSample = 0;
  const longJob = await analyse(long, { sampleFps: 2 }, (progress) => {
    if (performance.now() - lastSample < 2000) return;
    lastSample = performance.now();
    samples.push({ progress, rss: service.rssMb() });
  });
  const at = (share: number) => samples.find((s) => s.progress >= share) ?? samples[samples.length - 1]!;
  const faces = longJob.job.tracks.reduce((n, t) => n + t.frameCount, 0);
  const longClip = {
    sizeMb: fs.statSync(long).size / 1024 / 1024,
    seconds: longJob.seconds,
    frames: longJob.job.framesAnalysed,
    faces,
    rssMb: [0.1, 0.25, 0.5, 0.75, 1].map((share) => ({ share, rss: at(share).rss })),
    peakRssMb: Math.max(...samples.map((s) => s.rss)),
  };
  console.log(
    `\nA 10-minute clip (640x360, ${longClip.sizeMb.toFixed(0)} MB), 2 frames a second: ${longClip.frames} frames, ${faces} faces, in ${longClip.seconds.toFixed(0)} s. ` +
      `RSS at 10/25/50/75/100 % of the job: ${longClip.rssMb.map(({ rss }) => rss.toFixed(0)).join(' / ')} MB (peak ${longClip.peakRssMb.toFixed(0)} MB).`,
  );
  service.child.kill('SIGTERM');
  const split = await benchVideoSplit(threads, clips);
  // The same clip analysed in a process of its own that can collect its garbage before each reading.
  const memory = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'video-memory.js'), long], { encoding: 'utf8' });
  const collected = JSON.parse(memory.stdout.trim().split('\n').pop()!) as {
    readings: Array<{ heap: number; external: number }>;
    settled: { heap: number; external: number };
    faces: number;
    meshMb: number;
    otherMb: number;
  };
  const [first] = collected.readings;
  console.log(
    `The same clip in a process of its own (--expose-gc), after a full collection at 10/25/50/75/100 %: JS heap ${collected.readings.map((r) => r.heap.toFixed(1)).join(' / ')} MB ` +
      `(${(collected.settled.heap - first!.heap).toFixed(1)} MB more from 10 to 100 %, against ${collected.otherMb.toFixed(1)} MB of the results' points, boxes and poses as JSON); ` +
      `memory outside the heap ${first!.external.toFixed(1)} MB at 10 %, ${collected.settled.external.toFixed(1)} MB at the end once swept (${(collected.settled.external - first!.external).toFixed(1)} MB more, ` +
      `against ${collected.meshMb.toFixed(1)} MB of the results' meshes); ${collected.faces} faces.`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return { rows, split, walkingRecall, photoDuringVideo, longClip: { ...longClip, collected } };
}

/** The tracks' faces in the listed frames of walking.mp4 against the list (footageRecall, summed). */
function trackRecall(tracks: ReadonlyArray<{ faces: ReadonlyArray<{ frame: number; rectangle: Box }> }>) {
  const truth = JSON.parse(fs.readFileSync(path.join(DATASETS, 'video', 'walking-faces.json'), 'utf8')) as { frames: Array<{ frame: number; faces: Box[] }> };
  const total = { listed: 0, found: 0, unlisted: 0 };
  for (const { frame, faces } of truth.frames) {
    const boxes = tracks.flatMap((t) => t.faces.filter((f) => f.frame === frame).map((f) => f.rectangle));
    const { found, unlisted } = footageRecall(faces, boxes);
    total.listed += faces.length;
    total.found += found;
    total.unlisted += unlisted;
  }
  return total;
}

/**
 * Memory under a steady load: the service process's RSS after the first request, after the warm-up
 * (the first 500: engine arenas, JIT, caches fill) and at the end. Growth after the warm-up would be a
 * leak; the warm-up itself is not.
 */
async function benchSoak(threads: number) {
  const service = await startService({ WORKER_THREADS: String(threads) });
  // Distinct bytes per request (a different JPEG quality each), so that the result cache cannot answer.
  const photos = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => ({
      request: detectRequest(
        (
          await sharp(path.join(DATASETS, 'photos', 'surprised.jpg'))
            .jpeg({ quality: 50 + i })
            .toBuffer()
        ).toString('base64'),
      ),
    })),
  );
  const checkpoints = [1, Math.min(500, SOAK_REQUESTS), SOAK_REQUESTS];
  const rss: number[] = [];
  let sent = 0;
  const started = performance.now();
  for (const until of checkpoints) {
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (sent < until) await postDetect(service.url, photos[sent++ % photos.length]!);
      }),
    );
    rss.push(service.rssMb());
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = service.peakRssMb();
  service.child.kill('SIGTERM');
  const [first, warm, end] = rss as [number, number, number];
  console.log(
    `\nSoak: ${SOAK_REQUESTS} requests (500x333 photo, 50 encodings, concurrency 4) in ${seconds.toFixed(0)} s. RSS after 1: ${first.toFixed(0)} MB, ` +
      `after ${checkpoints[1]}: ${warm.toFixed(0)} MB, after ${SOAK_REQUESTS}: ${end.toFixed(0)} MB (peak ${peakRssMb.toFixed(0)} MB); ` +
      `growth after the warm-up: ${(end - warm).toFixed(0)} MB (${((100 * (end - warm)) / warm).toFixed(1)} %)`,
  );
  return { requests: SOAK_REQUESTS, seconds, rssMb: Object.fromEntries(checkpoints.map((c, i) => [c, rss[i]])), peakRssMb, growthAfterWarmUpMb: end - warm };
}

/**
 * One detectLandmarks request over HTTP; throws unless it answers faces. The client shares the
 * service's two cores, so it sends a body built beforehand through undici's request: with fetch and
 * the body serialised each time, it took 4.5-5.1 ms of CPU a request of bbt4.jpg against 1.1-1.7
 * (one-off), time that counted in every latency and came out of every throughput.
 */
/** One detectLandmarks request; its answer's face count. */
async function postDetect(url: string, p: Pick<Photo, 'request'>): Promise<number> {
  const response = await request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTHORIZATION },
    body: p.request,
  });
  const body = (await response.body.json()) as { data?: { detectLandmarks: { faces: unknown[] } } };
  if (!body.data?.detectLandmarks.faces) throw new Error(`request failed: ${JSON.stringify(body)}`);
  return body.data.detectLandmarks.faces.length;
}

/**
 * What a user would do without analyzeVideo: every frame to a JPEG with ffmpeg (passthrough: every
 * decoded frame, `-q:v 2`), then each JPEG to detectLandmarks with `inFlight` requests at once. Timed
 * from the video file to the last answer, as a job is; the faces found per frame.
 */
async function userFrameLoop(url: string, file: string, inFlight: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-bench-loop-'));
  try {
    const started = performance.now();
    // `-vsync passthrough` is the npm package's (2018) spelling of `-fps_mode passthrough`.
    await promisify(execFile)(ffmpegPath, ['-v', 'error', '-i', file, '-map', '0:v:0', '-vsync', 'passthrough', '-q:v', '2', path.join(dir, 'f%06d.jpg')]);
    const extracted = performance.now();
    const names = fs.readdirSync(dir).sort();
    const faces = new Array<number>(names.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let k = next++; k < names.length; k = next++) {
          faces[k] = await postDetect(url, { request: detectRequest(fs.readFileSync(path.join(dir, names[k]!)).toString('base64')) });
        }
      }),
    );
    const ended = performance.now();
    return { seconds: (ended - started) / 1000, extractSeconds: (extracted - started) / 1000, frames: names.length, faces };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const threads = Number(process.env.WORKER_THREADS ?? os.availableParallelism());
  console.log(`facemark benchmark: node ${process.version}, ${os.cpus().length} cores, ${threads} engine threads, ${LATENCY_RUNS} runs per latency figure\n`);
  const photos = [await photo('single face, 640 px', 'dlib-faces/Tom_Cruise_avp_2014_4.jpg', 640), await photo('group bbt1.jpg, 1366x768', 'photos/bbt1.jpg')];
  if (process.env.BENCH_ONLY === 'mxface') {
    console.log(JSON.stringify(await benchMxface(photos[0])));
    return;
  }
  if (process.env.BENCH_ONLY === 'batching') {
    console.log(JSON.stringify(await benchBatching(photos[0], threads)));
    return;
  }
  if (process.env.BENCH_ONLY === 'cancel') {
    console.log(JSON.stringify(await benchCancellation(photos[0], threads)));
    return;
  }
  if (process.env.BENCH_ONLY === 'graphs') {
    console.log(JSON.stringify(await benchGraphs()));
    return;
  }
  if (process.env.BENCH_ONLY === 'video') {
    console.log(JSON.stringify({ ...(await benchVideo(threads)), decoderStartup: await benchDecoderStartup() }));
    return;
  }
  if (process.env.BENCH_ONLY === 'small-faces') {
    console.log(JSON.stringify(await benchSmallFaces(threads)));
    return;
  }
  if (process.env.BENCH_ONLY === 'refiner') {
    console.log(JSON.stringify(await benchRefiner(threads, photos[0]!, photos[1]!)));
    return;
  }
  if (process.env.BENCH_ONLY === 'video-clips') {
    const service = await startService({ WORKER_THREADS: String(threads), MAX_VIDEO_SECONDS: '3600' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-bench-video-'));
    try {
      const clips = await benchClips(dir);
      const rows = await benchVideoClips(service.url, threads, clips);
      service.child.kill('SIGTERM');
      const split = await benchVideoSplit(threads, clips);
      console.log(JSON.stringify({ clips: rows.map(({ job: _job, ...row }) => row), split }));
    } finally {
      service.child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  if (process.env.BENCH_ONLY === 'descriptor-batches') {
    console.log(JSON.stringify(await benchDescriptorBatches()));
    return;
  }
  if (process.env.BENCH_ONLY === 'hard-faces') {
    console.log(JSON.stringify(await benchHardFaces()));
    return;
  }
  if (process.env.BENCH_ONLY === 'turned-faces') {
    console.log(JSON.stringify(await benchTurnedFaces()));
    return;
  }
  if (process.env.BENCH_ONLY === 'compose') {
    console.log(JSON.stringify(await benchCompose(threads)));
    return;
  }
  if (process.env.BENCH_ONLY === 'people') {
    console.log(JSON.stringify(await benchPeople(threads)));
    return;
  }
  if (process.env.BENCH_ONLY === 'decoder') {
    console.log(JSON.stringify(await benchDecoderStartup()));
    return;
  }
  if (process.env.BENCH_ONLY === 'queue') {
    console.log(JSON.stringify(await benchVideoQueue()));
    return;
  }
  if (process.env.BENCH_ONLY === 'soak') {
    console.log(JSON.stringify(await benchSoak(threads)));
    return;
  }
  if (process.env.BENCH_ONLY === 'engines') {
    await benchEngines(photos[0], await groupPhoto(), threads);
    await benchSecondDetector(photos[0], threads);
    return;
  }

  // Latency: the service in this process, over HTTP on loopback, and direct calls to the same engine
  // pool, so both paths share workers and caches and the ratio is the service's own overhead.
  const engine = new EmbeddedProvider({ threads, engine: 'mediapipe' });
  configureLogging({ level: 'info', pretty: false, file: SERVICE_LOG });
  const inProcess = await startServer(
    loadConfig({ NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', ...PRODUCTION_ACCESS }),
    new Providers(engine, [], engine),
    buildFacemarkSchema(),
  );
  await engine.start();
  const serviceUrl = inProcess.url;

  const graphql = (p: Photo) => postDetect(serviceUrl, p);
  const engineOnly = (p: Photo) => engine.detect([p.decoded], SETTINGS);
  const decodeAndEngine = async (p: Photo) => engine.detect([await checkImage({ bytes: p.bytes, sha256: p.name }, LIMITS)], SETTINGS);

  console.log('Latency, concurrency 1 (ms): GraphQL over HTTP vs direct calls to the same engine pool, interleaved.');
  console.log(
    '| photo | GraphQL over HTTP p50 / p95 | direct decode+engine p50 / p95 | direct engine p50 / p95 | ratio p50 vs decode+engine | ratio p50 vs engine |',
  );
  console.log('|---|---|---|---|---|---|');
  const latency: Record<string, unknown> = {};
  for (const p of photos) {
    for (let i = 0; i < 3; i++) await Promise.all([graphql(p), engineOnly(p)]); // warm both paths
    const g: number[] = [];
    const d: number[] = [];
    const e: number[] = [];
    for (let i = 0; i < LATENCY_RUNS; i++) {
      g.push(await timed(() => graphql(p)));
      d.push(await timed(() => decodeAndEngine(p)));
      e.push(await timed(() => engineOnly(p)));
    }
    const row = {
      graphql: [percentile(g, 50), percentile(g, 95)],
      decodeEngine: [percentile(d, 50), percentile(d, 95)],
      engine: [percentile(e, 50), percentile(e, 95)],
    };
    latency[p.name] = row;
    const f = ([a, b]: number[]) => `${a.toFixed(0)} / ${b.toFixed(0)}`;
    console.log(
      `| ${p.name} | ${f(row.graphql)} | ${f(row.decodeEngine)} | ${f(row.engine)} | ${(row.graphql[0] / row.decodeEngine[0]).toFixed(3)} | ${(row.graphql[0] / row.engine[0]).toFixed(3)} |`,
    );
  }
  const fields = await benchFaceFields(engine, photos[1]);
  const operations = await benchOperations(engine, photos[0]);
  await inProcess.stop();
  await engine.close();
  if (process.env.BENCH_ONLY === 'latency') return;

  // The embedded engines and runtimes side by side, each as its own service process, as in production.
  const engines = await benchEngines(photos[0], await groupPhoto(), threads);
  const secondDetector = await benchSecondDetector(photos[0], threads);

  const soak = await benchSoak(threads);
  const cancellation = await benchCancellation(photos[0], threads);
  const batching = await benchBatching(photos[0], threads);
  const mxface = await benchMxface(photos[0]);
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cores: os.cpus().length,
    threads,
    latency,
    fields,
    operations,
    engines,
    secondDetector,
    soak,
    cancellation,
    batching,
    mxface,
  };
  fs.writeFileSync(path.join(ROOT, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * What each optional Face field costs per face: the work its resolver asks for, timed on its own
 * (p50 of 20) against the engine pool, on the faces of the group photo. End-to-end differences of a
 * few ms per face would drown in the run-to-run spread of a 500 ms request.
 */
async function benchFaceFields(engine: EmbeddedProvider, group: Photo) {
  const [found] = await engine.detect([group.decoded], SETTINGS);
  if (found instanceof Error) throw found;
  const faces = found.map((f) => ({
    image: group.decoded,
    rectangle: f.box,
    fivePoints: fivePointsFrom68(f.points68!),
    points68: f.points68!,
    mesh: unpackMesh(f.mesh!),
  }));
  const boxes = faces.map((f) => f.rectangle);
  const seeds = faces.map((f) => ({ box: f.rectangle, leftEye: f.fivePoints.leftEye, rightEye: f.fivePoints.rightEye }));
  const upright = await group.decoded.upright();
  const warp = async (image: CheckedImage, toImage: Parameters<typeof invertSimilarity>[0], size: number) =>
    (await engine.warps([{ image, squares: [{ toImage, size }] }]))[0][0];
  const work: Record<string, () => Promise<unknown>> = {
    'landmarks(scheme: IBUG_68), embedded faces (from the mesh already computed)': async () => faces.map((f) => ibug68FromMesh(f.mesh)),
    'landmarks(scheme: IBUG_68 or MEDIAPIPE_478), MXFace faces (mesh on their box)': () => engine.meshes([{ image: group.decoded, seeds }]),
    pose: async () => faces.map((f) => headPoseFromMesh(f.mesh)),
    'eyes (openness and gaze, from the mesh already computed)': async () => faces.map((f) => eyesFromMesh(f.mesh, headPoseFromMesh(f.mesh))),
    'mouth (from the mesh already computed)': async () => faces.map((f) => mouthFromMesh(f.mesh)),
    expressions: () => engine.expressions([{ image: group.decoded, boxes }]),
    'region(part: EYES), 128 px JPEG': () => Promise.all(faces.map((f) => cropImage(upright, partBox(FacePart.EYES, f, f.points68)!, 128, CropFormat.JPEG))),
    'aligned, 112 px JPEG (one face at a time)': () => Promise.all(faces.map((f) => alignFace(f, 112, CropFormat.JPEG, warp))),
    descriptor: () => engine.descriptors([{ image: group.decoded, toImages: faces.map((f) => invertSimilarity(chipTransform(f.fivePoints, 150))) }], 150),
  };
  console.log(`\nCost of each optional Face field per face (${group.name}, ${faces.length} faces, p50 of 20)`);
  console.log('| field | ms per face |');
  console.log('|---|---|');
  const rows: Record<string, number> = {};
  for (const [name, fn] of Object.entries(work)) {
    await fn(); // first use of a net in a worker
    const times: number[] = [];
    for (let i = 0; i < 20; i++) times.push(await timed(fn));
    rows[name] = percentile(times, 50) / faces.length;
    console.log(`| ${name} | ${rows[name].toFixed(3)} |`);
  }
  return { faces: faces.length, msPerFace: rows };
}

interface EngineVariant {
  label: string;
  env: Record<string, string>;
  /** Also measure the first requests after /ready, the group photo and the second detector's cost. */
  full: boolean;
}

const ENGINE_VARIANTS: EngineVariant[] = [
  { label: 'mediapipe on onnxruntime (default)', env: {}, full: true },
  { label: 'mediapipe on tfjs-wasm (ENGINE_RUNTIME=tfjs)', env: { ENGINE_RUNTIME: 'tfjs' }, full: true },
  { label: 'faceapi (EMBEDDED_ENGINE=faceapi)', env: { EMBEDDED_ENGINE: 'faceapi' }, full: false },
];
// Requests a fresh service has served before its latency counts as warm.
const WARM_AFTER = 200;
const FIRST_REQUESTS = 24;
// Fresh services of each mediapipe runtime measured alone: a 24-request p50 moved by 0.2-0.3 between
// starts on this machine, so the first requests' ratio is the median over starts.
const FRESH_STARTS = 3;

/**
 * The embedded engines and runtimes side by side: each as its own service process with the same
 * threads, over GraphQL. Each serves 200 requests (3 for faceapi) on its own first; then all
 * run at once, idle but for the one being measured, and every figure interleaves them, so that this
 * machine's drift (up to 50 % between runs) falls on all alike. Latency on the single-face photo after
 * 200 requests, in runs of LATENCY_RUN consecutive requests to each service in turn (as a client sends
 * them), and one request to each in turn (each then finds its caches cold from the others' work);
 * throughput at concurrency 1, 4 and 8 and on a 6-face photo at concurrency 1 and 8, in windows of
 * each service and concurrency in turn; peak RSS, and that of a service with one worker thread; and, for each
 * mediapipe runtime, FRESH_STARTS fresh services alone: their first 24 requests against their 100
 * after 200 (the first-requests target compares these, in the same conditions), and the latency alone.
 */
async function benchEngines(single: Photo, group: Photo, threads: number) {
  interface Row {
    /** Each fresh start alone: its first FIRST_REQUESTS requests' p50 (the table shows their median). */
    firstP50s?: number[];
    /** One request to each service in turn. */
    times: number[];
    /** LATENCY_RUN requests to each service in turn. */
    runTimes: number[];
    throughput: Record<number, number>;
    groupThroughput: Record<number, number>;
    /** The service process's CPU time per single-face request, by concurrency. */
    cpuMsPerRequest: Record<number, number>;
    /** This process's (the client's) CPU time per single-face request, by concurrency: the share of the two cores the service did not have. */
    clientCpuMsPerRequest: Record<number, number>;
    peakRssMb: number;
    oneWorkerPeakRssMb: number;
    /** The single-face photo's latency on fresh services of this runtime with no other resident: 100 requests after WARM_AFTER, each start. */
    aloneTimes?: number[];
    /** Each fresh start alone: its first FIRST_REQUESTS requests' p50 over the p50 of its 100 after WARM_AFTER. */
    firstVsWarmAlone?: number[];
  }
  const services: Array<Awaited<ReturnType<typeof startService>>> = [];
  const rows: Row[] = [];
  for (const variant of ENGINE_VARIANTS) {
    const service = await startService({ WORKER_THREADS: String(threads), ...variant.env });
    const row: Row = {
      times: [],
      runTimes: [],
      throughput: {},
      groupThroughput: {},
      cpuMsPerRequest: {},
      clientCpuMsPerRequest: {},
      peakRssMb: 0,
      oneWorkerPeakRssMb: 0,
    };
    for (let served = 0; served < (variant.full ? WARM_AFTER : 3); served++) await postDetect(service.url, single);
    services.push(service);
    rows.push(row);
  }
  const burst = async (url: string, p: Photo, concurrency: number, requests: number) => {
    let next = 0;
    return timed(() =>
      Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next++ < requests) await postDetect(url, p);
        }),
      ),
    );
  };
  // Steady state: the JIT is still compiling the batched paths after single requests.
  for (const service of services) await burst(service.url, single, 8, THROUGHPUT_REQUESTS);
  for (let i = 0; i < LATENCY_RUNS; i++) for (const [k, service] of services.entries()) rows[k]!.times.push(await timed(() => postDetect(service.url, single)));
  for (let i = 0; i < LATENCY_RUNS / LATENCY_RUN; i++) {
    for (const [k, service] of services.entries()) {
      for (let n = 0; n < LATENCY_RUN; n++) rows[k]!.runTimes.push(await timed(() => postDetect(service.url, single)));
    }
  }
  /** Requests ended in WINDOW_MS with `concurrency` always in flight (after RAMP_MS), and the service's and this client's CPU meanwhile. */
  const steady = async (service: (typeof services)[number], p: Photo, concurrency: number) => {
    const ends: number[] = [];
    const from = performance.now() + RAMP_MS;
    const until = from + WINDOW_MS;
    const cpu: number[] = [];
    const clientCpu: number[] = [];
    const mark = () => {
      cpu.push(service.cpuMs());
      const own = process.cpuUsage();
      clientCpu.push((own.user + own.system) / 1000);
    };
    const marks = [RAMP_MS, RAMP_MS + WINDOW_MS].map((ms) => new Promise<void>((resolve) => setTimeout(() => resolve(mark()), ms)));
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          await postDetect(service.url, p);
          ends.push(performance.now());
        }
      }),
    );
    await Promise.all(marks);
    return { done: ends.filter((t) => t >= from && t < until).length, cpuMs: cpu[1]! - cpu[0]!, clientCpuMs: clientCpu[1]! - clientCpu[0]! };
  };
  // Throughput: in each of ROUNDS rounds, a window of each service at each concurrency in turn;
  // requests per second over all of them. The ratios between concurrencies (bbt4.jpg's target) and
  // between services then compare windows that the machine's drift fell on alike.
  const ROUNDS = 4;
  const interleaved = async (p: Photo, concurrencies: number[], into: (row: Row) => Record<number, number>, measured = services) => {
    const done = services.map(() => concurrencies.map(() => 0));
    const cpu = services.map(() => concurrencies.map(() => 0));
    const clientCpu = services.map(() => concurrencies.map(() => 0));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, service] of services.entries()) {
        if (!measured.includes(service)) continue;
        for (const [c, concurrency] of concurrencies.entries()) {
          const window = await steady(service, p, concurrency);
          done[k]![c]! += window.done;
          cpu[k]![c]! += window.cpuMs;
          clientCpu[k]![c]! += window.clientCpuMs;
        }
      }
    }
    rows.forEach((row, k) => {
      if (!measured.includes(at(services, k))) return;
      concurrencies.forEach((concurrency, c) => {
        into(row)[concurrency] = done[k]![c]! / ((ROUNDS * WINDOW_MS) / 1000);
        if (p !== single) return;
        row.cpuMsPerRequest[concurrency] = cpu[k]![c]! / done[k]![c]!;
        row.clientCpuMsPerRequest[concurrency] = clientCpu[k]![c]! / done[k]![c]!;
      });
    });
  };
  await interleaved(single, [1, 4, 8], (row) => row.throughput);
  // The group photo on the engines whose rows show it.
  const full = services.filter((_, k) => at(ENGINE_VARIANTS, k).full);
  await interleaved(group, [1, 8], (row) => row.groupThroughput, full);
  services.forEach((service, k) => {
    rows[k]!.peakRssMb = service.peakRssMb();
    service.child.kill('SIGTERM');
  });
  for (const [k, variant] of ENGINE_VARIANTS.entries()) {
    const one = await startService({ WORKER_THREADS: '1', ...variant.env });
    for (let i = 0; i < 10; i++) await postDetect(one.url, single);
    rows[k]!.oneWorkerPeakRssMb = one.peakRssMb();
    one.child.kill('SIGTERM');
    if (!variant.full) continue;
    // Latency with no other service resident, to set beside the interleaved figures, and a fresh
    // service's first requests against its own later ones.
    const row = rows[k]!;
    row.aloneTimes = [];
    row.firstP50s = [];
    row.firstVsWarmAlone = [];
    for (let start = 0; start < FRESH_STARTS; start++) {
      const alone = await startService({ WORKER_THREADS: String(threads), ...variant.env });
      const first: number[] = [];
      for (let i = 0; i < FIRST_REQUESTS; i++) first.push(await timed(() => postDetect(alone.url, single)));
      for (let i = FIRST_REQUESTS; i < WARM_AFTER; i++) await postDetect(alone.url, single);
      const warm: number[] = [];
      for (let i = 0; i < 100; i++) warm.push(await timed(() => postDetect(alone.url, single)));
      alone.child.kill('SIGTERM');
      row.aloneTimes.push(...warm);
      row.firstP50s.push(percentile(first, 50));
      row.firstVsWarmAlone.push(percentile(first, 50) / percentile(warm, 50));
    }
  }
  console.log(`\nEmbedded engines and runtimes, GraphQL over HTTP, ${threads} worker threads each, interleaved`);
  console.log(
    `| engine | ${single.name}: first ${FIRST_REQUESTS} p50, fresh services alone (median) | p50 / p95 ms after ${WARM_AFTER}: in runs of ${LATENCY_RUN} | one request each in turn | req/s at concurrency 1 / 4 / 8 | CPU ms per request at 1 / 8 | ${group.name}: req/s at 1 / 8 | peak RSS | peak RSS, 1 worker |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const table: Record<string, unknown> = {};
  for (const [k, variant] of ENGINE_VARIANTS.entries()) {
    const r = rows[k]!;
    const t = [1, 4, 8].map((c) => r.throughput[c]!.toFixed(2)).join(' / ');
    const g = variant.full ? `${r.groupThroughput[1]!.toFixed(2)} / ${r.groupThroughput[8]!.toFixed(2)}` : '-';
    const [p50, p95] = [percentile(r.runTimes, 50), percentile(r.runTimes, 95)];
    const [p50Alternating, p95Alternating] = [percentile(r.times, 50), percentile(r.times, 95)];
    console.log(
      `| ${variant.label} | ${r.firstP50s ? percentile(r.firstP50s, 50).toFixed(0) : '-'} | ${p50.toFixed(0)} / ${p95.toFixed(0)} | ${p50Alternating.toFixed(0)} / ${p95Alternating.toFixed(0)} | ${t} | ${r.cpuMsPerRequest[1]!.toFixed(1)} / ${r.cpuMsPerRequest[8]!.toFixed(1)} | ${g} | ${r.peakRssMb.toFixed(0)} MB | ${r.oneWorkerPeakRssMb.toFixed(0)} MB |`,
    );
    const p50Alone = r.aloneTimes && percentile(r.aloneTimes, 50);
    table[variant.label] = { ...r, times: undefined, runTimes: undefined, aloneTimes: undefined, p50, p95, p50Alternating, p95Alternating, p50Alone };
  }
  const [onnx, tfjs, faceapi] = rows as [Row, Row, Row];
  const p50 = (r: Row) => percentile(r.runTimes, 50);
  const ratios = {
    p50OnnxVsTfjs: p50(onnx) / p50(tfjs),
    p50AlternatingOnnxVsTfjs: percentile(onnx.times, 50) / percentile(tfjs.times, 50),
    p50AloneOnnxVsTfjs: percentile(onnx.aloneTimes!, 50) / percentile(tfjs.aloneTimes!, 50),
    throughput8OnnxVsTfjs: onnx.throughput[8]! / tfjs.throughput[8]!,
    groupConcurrency8VsOne: onnx.groupThroughput[8]! / onnx.groupThroughput[1]!,
    firstVsWarm: percentile(onnx.firstVsWarmAlone!, 50),
    cpuTfjsVsOnnx: tfjs.cpuMsPerRequest[8]! / onnx.cpuMsPerRequest[8]!,
    p50FaceapiVsOnnx: p50(faceapi) / p50(onnx),
  };
  console.log(
    `onnxruntime vs tfjs-wasm: p50 ${ratios.p50OnnxVsTfjs.toFixed(3)}x in runs of ${LATENCY_RUN} (target <= 0.5, ${verdict(ratios.p50OnnxVsTfjs <= 0.5)}; one request each in turn ${ratios.p50AlternatingOnnxVsTfjs.toFixed(2)}x; each service alone ${percentile(onnx.aloneTimes!, 50).toFixed(1)} vs ${percentile(tfjs.aloneTimes!, 50).toFixed(1)} ms, ${ratios.p50AloneOnnxVsTfjs.toFixed(2)}x), throughput at concurrency 8 ${ratios.throughput8OnnxVsTfjs.toFixed(3)}x (target >= 1.8, ${verdict(ratios.throughput8OnnxVsTfjs >= 1.8)}); ` +
      `${group.name} at concurrency 8 vs 1: ${ratios.groupConcurrency8VsOne.toFixed(3)}x (target >= 1.7, ${verdict(ratios.groupConcurrency8VsOne >= 1.7)}); first ${FIRST_REQUESTS} requests' p50 vs after ${WARM_AFTER}, a fresh service alone: ${ratios.firstVsWarm.toFixed(3)}x, the median of ${onnx.firstVsWarmAlone!.map((r) => `${r.toFixed(2)}x`).join(', ')} (target <= 1.15, ${verdict(ratios.firstVsWarm <= 1.15)}); CPU per request, tfjs over onnxruntime: ${ratios.cpuTfjsVsOnnx.toFixed(2)}x (the ceiling of the throughput ratio with both cores busy); the bench client's own CPU per single-face request at concurrency 1 / 8: ${[1, 8].map((c) => onnx.clientCpuMsPerRequest[c]!.toFixed(2)).join(' / ')} ms; faceapi's p50 ${ratios.p50FaceapiVsOnnx.toFixed(1)}x the default's`,
  );
  return { rows: table, ratios };
}

/**
 * The graphs alone, in this process, one thread each: tfjs-wasm on the npm-shipped graphs, and the
 * converted ones on onnxruntime with and without its CPU memory arena (inference-graph.ts keeps it
 * for them). BlazeFace on its 256 px input, the mesh on batches of 1 to 8 crops, FaceBoxes on two
 * 1280x720 pictures; p50 of 15 runs after 3, on inputs that vary between runs as real ones do.
 */
async function benchGraphs() {
  await useWasmBackend();
  const inputOf = (shape: number[], seed: number, bytes = false) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return bytes
      ? Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed * 17) % 256)
      : Float32Array.from({ length: size }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37 + seed));
  };
  const frames = (await walkingFootage(path.join(DATASETS, 'video'))).slice(0, 1).map((f) => f.bytes);
  const group = fs.readFileSync(path.join(DATASETS, 'photos', 'bbt1.jpg'));
  const pictures = await Promise.all(
    [group, ...frames].map(async (bytes) => Uint8Array.from(await sharp(bytes).resize(1280, 736, { fit: 'fill' }).removeAlpha().raw().toBuffer())),
  );
  const cases: Array<{ model: ConvertedModelName; label: string; shape: number[]; inputs: Array<Float32Array | Uint8Array> }> = [
    { model: 'blazeface-back', label: 'BlazeFace, 1 picture', shape: [1, 256, 256, 3], inputs: [0, 1].map((s) => inputOf([1, 256, 256, 3], s)) },
    ...[1, 4, 6, 8].map((n) => ({
      model: 'facemesh-attention' as const,
      label: `mesh, ${n} crop${n > 1 ? 's' : ''}`,
      shape: [n, 192, 192, 3],
      inputs: [0, 1].map((s) => inputOf([n, 192, 192, 3], s)),
    })),
    { model: 'faceboxes', label: 'FaceBoxes, 1280x736 (bbt1.jpg, a walking.mp4 frame)', shape: [1, 736, 1280, 3], inputs: pictures },
  ];
  const onnxWithout = async (model: ConvertedModelName): Promise<InferenceGraph> => {
    const session = await onnxSession(convertedModelPath(model), { arena: false });
    return {
      run: async (input, shape, outputs) => {
        const feed = input instanceof Uint8Array ? new ort.Tensor('uint8', input, [...shape]) : new ort.Tensor('float32', input, [...shape]);
        const results = await session.run({ [session.inputNames[0]!]: feed }, [...outputs]);
        return outputs.map((o) => results[o]!.data as Float32Array);
      },
    };
  };
  const runtimes: Array<[string, (model: ConvertedModelName) => Promise<InferenceGraph>]> = [
    ['tfjs-wasm', (model) => loadInferenceGraph(model, 'tfjs')],
    ['onnxruntime, memory arena (kept)', (model) => loadInferenceGraph(model, 'onnx')],
    ['onnxruntime, no arena', onnxWithout],
  ];
  const rows: Record<string, Record<string, number>> = {};
  console.log('\nThe graphs alone, one thread, p50 ms of 15 runs (BENCH_ONLY=graphs)');
  console.log(`| graph | ${runtimes.map(([name]) => name).join(' | ')} |`);
  console.log(`|---|${runtimes.map(() => '---|').join('')}`);
  const graphs = new Map<string, InferenceGraph>();
  for (const c of cases) {
    const row: Record<string, number> = {};
    for (const [name, load] of runtimes) {
      // FaceBoxes on tfjs is the whole control-flow graph (faceboxes.ts); its ONNX part is what is compared.
      if (c.model === 'faceboxes' && name === 'tfjs-wasm') continue;
      const key = `${name}/${c.model}`;
      if (!graphs.has(key)) graphs.set(key, await load(c.model));
      const graph = graphs.get(key)!;
      const run = (k: number) => graph.run(c.inputs[k % c.inputs.length]!, c.shape, modelOutputs(c.model));
      for (let k = 0; k < 3; k++) await run(k);
      const times: number[] = [];
      for (let k = 0; k < 15; k++) times.push(await timed(() => run(k)));
      row[name] = percentile(times, 50);
    }
    rows[c.label] = row;
    console.log(`| ${c.label} | ${runtimes.map(([name]) => (row[name] === undefined ? '-' : row[name]!.toFixed(1))).join(' | ')} |`);
  }
  return rows;
}

/**
 * What the second detector (FaceBoxes where the mesh rejects a box) costs and finds: services with
 * and without it, every 5th frame of walking.mp4 (1920x1080) and the single-face photo, p50 per image.
 */
async function benchSecondDetector(single: Photo, threads: number) {
  const frames = await walkingFootage(path.join(DATASETS, 'video'));
  const rows: Record<string, { framesP50: number; singleP50: number; recall: number }> = {};
  for (const secondDetector of ['faceboxes', 'none']) {
    const service = await startService({ WORKER_THREADS: String(threads), SECOND_DETECTOR: secondDetector });
    for (let i = 0; i < 5; i++) await postDetect(service.url, single);
    const frameTimes: number[] = [];
    let recall = 0;
    for (const { bytes, listed } of frames) {
      let faces: Box[] = [];
      frameTimes.push(await timed(async () => (faces = await detectBoxes(service.url, bytes.toString('base64')))));
      recall += footageRecall(listed, faces).found;
    }
    const singleTimes: number[] = [];
    for (let i = 0; i < LATENCY_RUNS; i++) singleTimes.push(await timed(() => postDetect(service.url, single)));
    service.child.kill('SIGTERM');
    rows[secondDetector] = { framesP50: percentile(frameTimes, 50), singleP50: percentile(singleTimes, 50), recall };
  }
  const total = frames.reduce((n, f) => n + f.listed.length, 0);
  console.log(`\nThe second detector (SECOND_DETECTOR), GraphQL over HTTP, concurrency 1, p50 ms per image`);
  console.log(`| SECOND_DETECTOR | walking.mp4, every 5th frame (${frames.length}) | walking recall of ${total} | ${single.name} |`);
  console.log('|---|---|---|---|');
  for (const [name, r] of Object.entries(rows)) console.log(`| ${name} | ${r.framesP50.toFixed(0)} | ${r.recall} | ${r.singleP50.toFixed(0)} |`);
  return rows;
}

/** The face boxes of one detectLandmarks request (minFaceSize: the default when absent). */
async function detectBoxes(url: string, base64: string, minFaceSize?: number): Promise<Box[]> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTHORIZATION },
    body: JSON.stringify({ query: QUERY_BOXES, variables: { image: { base64 }, minFaceSize } }),
  });
  const body = (await response.json()) as { data?: { detectLandmarks: { faces: Array<{ rectangle: Box }> | null } } };
  const faces = body.data?.detectLandmarks.faces;
  if (!faces) throw new Error(`request failed: ${JSON.stringify(body)}`);
  return faces.map((f) => f.rectangle);
}

/**
 * What a client that gives up costs the next one: a batch of 8 distinct photos sent, then 40 ms later
 * one photo timed, (a) with the batch's client aborting first (its waiting images are dropped; those
 * already on a worker finish) and (b) with the batch left running (what every abort cost before
 * cancellation), against (c) the same photo on an idle service. Median of 7 each, interleaved.
 */
async function benchCancellation(single: Photo, threads: number) {
  const service = await startService({ WORKER_THREADS: String(threads) });
  const variants = await distinctPhotos(single, widthsFrom640(64));
  let next = 0;
  const photoNow = () => at(variants, next++ % variants.length);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Times one request sent 40 ms after a batch of 8 that the client aborts then, or leaves running. */
  const afterBatch = async (abort: boolean) => {
    const client = new AbortController();
    const batch = fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTHORIZATION },
      body: JSON.stringify({ query: BATCH_QUERY, variables: { images: Array.from({ length: 8 }, () => ({ base64: photoNow().base64 })) } }),
      signal: client.signal,
    }).then(
      async (r) => {
        if (r.status !== 200) throw new Error(`the batch was refused: HTTP ${r.status} ${await r.text()}`);
      },
      () => undefined, // the abort
    );
    await pause(40);
    if (abort) client.abort();
    const ms = await timed(() => postDetect(service.url, photoNow()));
    await batch;
    return ms;
  };
  for (let i = 0; i < 5; i++) await postDetect(service.url, photoNow());
  const times = { idle: [] as number[], aborted: [] as number[], running: [] as number[] };
  for (let i = 0; i < 7; i++) {
    times.idle.push(await timed(() => postDetect(service.url, photoNow())));
    await pause(300);
    times.aborted.push(await afterBatch(true));
    await pause(600);
    times.running.push(await afterBatch(false));
    await pause(300);
  }
  service.child.kill('SIGTERM');
  const row = { idleP50: percentile(times.idle, 50), afterAbortP50: percentile(times.aborted, 50), afterRunningBatchP50: percentile(times.running, 50) };
  console.log(
    `\nA request sent 40 ms after a batch of 8 (640 px photos), p50: ${row.afterAbortP50.toFixed(0)} ms when that batch's client aborted (${(row.afterAbortP50 / row.idleP50).toFixed(2)}x idle), ` +
      `${row.afterRunningBatchP50.toFixed(0)} ms when it was left running (${(row.afterRunningBatchP50 / row.idleP50).toFixed(2)}x), ${row.idleP50.toFixed(0)} ms idle`,
  );
  return row;
}

/**
 * Images per worker task: engines of the same threads in this process, differing only there, each
 * sent the same distinct photos at concurrency 8 (decoding included, as in the service), two rounds
 * interleaved. Reported in images per second.
 */
async function benchBatching(single: Photo, threads: number) {
  const perTask = [1, 2, 4];
  const engines = perTask.map((imagesPerTask) => new EmbeddedProvider({ threads, engine: 'mediapipe', imagesPerTask }));
  await Promise.all(engines.map((e) => e.start()));
  const photos = await distinctPhotos(single, widthsFrom640(96));
  const rates = perTask.map(() => [] as number[]);
  for (let round = 0; round < 3; round++) {
    for (const [k, engine] of engines.entries()) {
      let next = 0;
      const elapsed = await timed(() =>
        Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < photos.length) {
              const photo = at(photos, next++);
              await engine.detect([await checkImage({ bytes: photo.bytes, sha256: photo.name }, LIMITS)], SETTINGS);
            }
          }),
        ),
      );
      if (round > 0) at(rates, k).push((photos.length / elapsed) * 1000); // round 0 warms up
    }
  }
  await Promise.all(engines.map((e) => e.close()));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const row = Object.fromEntries(perTask.map((n, k) => [n, mean(at(rates, k))]));
  console.log(`\nImages per worker task (${threads} workers, concurrency 8, ${single.name}, decoding included): images/s`);
  console.log(`| ${perTask.map((n) => `${n} per task`).join(' | ')} |`);
  console.log(`|${perTask.map(() => '---').join('|')}|`);
  console.log(`| ${perTask.map((n) => (row[n] ?? 0).toFixed(1)).join(' | ')} |`);
  return row;
}

/**
 * What the operations layer costs per request: the same engine pool behind two servers in this
 * process, one bare (no keys, no rate limit, no request logs, no cache) and one as production runs
 * (keys, rate limit, request logs, metrics, and the Redis cache when redis-server is installed), fed
 * the same distinct images interleaved, so every cache lookup is a miss. Then the cost of a hit.
 */
async function benchOperations(engine: EmbeddedProvider, single: Photo) {
  // A Redis as production runs it (noeviction: the video queue shares it with the cache).
  const redis = redisServerInstalled() ? await startRedisServer({ queue: true }) : undefined;
  const server = async (env: Record<string, string>) =>
    startServer(loadConfig({ NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', ...env }), new Providers(engine, [], engine), buildFacemarkSchema());
  configureLogging({ level: 'silent', pretty: false });
  const bare = await server({ RATE_LIMIT_IMAGES: '0' });
  configureLogging({ level: 'info', pretty: false, file: SERVICE_LOG });
  const full = await server({ ...PRODUCTION_ACCESS, ...(redis ? { REDIS_URL: redis.url } : {}) });
  await new Promise((resolve) => setTimeout(resolve, 200)); // the Redis connection
  const variants = await distinctPhotos(single, widthsFrom640(LATENCY_RUNS + 3));
  const times = { bare: [] as number[], full: [] as number[], hit: [] as number[] };
  for (const [i, variant] of variants.entries()) {
    const runs = [() => postDetect(bare.url, variant), () => postDetect(full.url, variant)];
    if (i % 2) runs.reverse();
    const [first, second] = [await timed(runs[0]!), await timed(runs[1]!)];
    if (i < 3) continue; // warm-up
    times.bare.push(i % 2 ? second : first);
    times.full.push(i % 2 ? first : second);
  }
  for (let i = 0; i < LATENCY_RUNS; i++) times.hit.push(await timed(() => postDetect(full.url, at(variants, 3))));
  const row = {
    bare: [percentile(times.bare, 50), percentile(times.bare, 95)],
    production: [percentile(times.full, 50), percentile(times.full, 95)],
    cacheHit: redis ? [percentile(times.hit, 50), percentile(times.hit, 95)] : undefined,
    redis: Boolean(redis),
  };
  const f = ([a, b]: number[]) => `${a!.toFixed(1)} / ${b!.toFixed(1)}`;
  console.log(`\nOperations layer, ${single.name} (distinct images, interleaved), ms p50 / p95`);
  console.log(
    '| bare server | with keys, rate limit, request logs, metrics' + (redis ? ', Redis cache (misses)' : '') + ' | ratio p50 |' + (redis ? ' cache hit |' : ''),
  );
  console.log('|---|---|---|' + (redis ? '---|' : ''));
  console.log(
    `| ${f(row.bare)} | ${f(row.production)} | ${(at(row.production, 0) / at(row.bare, 0)).toFixed(3)} |` + (row.cacheHit ? ` ${f(row.cacheHit)} |` : ''),
  );
  if (!redis) console.log('(redis-server is not installed: the cache was not measured)');
  // Their Redis clients close before Redis stops (the engine is the caller's).
  await Promise.all([bare.stop(), full.stop()]);
  await redis?.kill();
  return row;
}

const KEY = 'bench-key';
const BATCH_QUERY = `mutation($images: [ImageInput!]!) { detectLandmarksBatch(images: $images) { faces { confidence } userErrors { code } } }`;

/**
 * The mxface path against the local MXFace server (in this process). The service runs as its own
 * process with no embedded engine. "canned" = the local server answers a fixed face without running
 * its engine, so what is measured is the service's own cost and the client's concurrency.
 */
async function benchMxface(single: Photo) {
  const upstream = await startMxfaceServer({ keys: [KEY], threads: 1 });
  const service = await startService({
    LANDMARK_PROVIDER: 'mxface',
    EMBEDDED_ENABLED: 'false',
    MXFACE_URL: upstream.url,
    MXFACE_SUBSCRIPTION_KEY: KEY,
    MXFACE_CONCURRENCY: '4',
  });
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(async (r) => {
      if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
      return r.json();
    });
  const viaService = () => post(`${service.url}/graphql`, { query: QUERY, variables: { image: { base64: single.base64 } } }, AUTHORIZATION);
  const direct = () => post(`${upstream.url}/api/face/landmark`, { encoded_image: single.base64 }, { subscriptionkey: KEY });

  console.log('\nmxface provider against the local MXFace server (ms), concurrency 1');
  console.log('| upstream mode | GraphQL over HTTP p50 / p95 | direct HTTP to the local server p50 / p95 | service adds at p50 |');
  console.log('|---|---|---|---|');
  const rows: Record<string, unknown> = {};
  for (const canned of [true, false]) {
    upstream.faults.set({ canned });
    const runs = canned ? LATENCY_RUNS * 5 : LATENCY_RUNS;
    for (let i = 0; i < 5; i++) await Promise.all([viaService(), direct()]);
    const g: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < runs; i++) {
      g.push(await timed(viaService));
      d.push(await timed(direct));
    }
    const row = {
      graphql: [percentile(g, 50), percentile(g, 95)],
      direct: [percentile(d, 50), percentile(d, 95)],
      addedP50: percentile(g, 50) - percentile(d, 50),
    };
    rows[canned ? 'canned' : 'engine'] = row;
    const f = ([a, b]: number[]) => `${a.toFixed(1)} / ${b.toFixed(1)}`;
    console.log(`| ${canned ? 'canned answer' : 'real engine'} | ${f(row.graphql)} | ${f(row.direct)} | ${row.addedP50.toFixed(1)} ms |`);
  }

  // The floor any GraphQL call pays on this stack: a query that does no work.
  const trivial: number[] = [];
  for (let i = 0; i < LATENCY_RUNS * 5; i++)
    trivial.push(await timed(() => post(`${service.url}/graphql`, { query: '{ serviceInfo { version } }' }, AUTHORIZATION)));
  rows.trivialQueryP50 = percentile(trivial, 50);
  console.log(`A GraphQL query that does no work ({ serviceInfo { version } }): p50 ${percentile(trivial, 50).toFixed(1)} ms`);

  upstream.faults.set({ canned: true, latencyMs: 50 });
  const distinct = (
    await distinctPhotos(
      single,
      Array.from({ length: 16 }, (_, i) => 400 + i * 4),
      80,
    )
  ).map((p) => p.base64);
  const runBatch = () => post(`${service.url}/graphql`, { query: BATCH_QUERY, variables: { images: distinct.map((base64) => ({ base64 })) } }, AUTHORIZATION);
  await runBatch(); // opens the connections
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    upstream.clearRequests();
    times.push(await timed(runBatch));
  }
  const batchMs = percentile(times, 50);
  const batch = {
    images: 16,
    concurrency: 4,
    latencyMs: 50,
    medianMs: batchMs,
    rounds: batchMs / 50,
    upstreamCalls: upstream.requests.length,
    maxInFlight: upstream.maxInFlight(),
  };
  console.log(
    `Batch of 16 distinct images, MXFACE_CONCURRENCY=4, 50 ms injected latency: median of 7 ${batchMs.toFixed(0)} ms = ${batch.rounds.toFixed(2)} rounds of latency (ideal 4), ${batch.upstreamCalls} upstream calls, at most ${batch.maxInFlight} in flight`,
  );

  upstream.clearRequests();
  await post(
    `${service.url}/graphql`,
    { query: BATCH_QUERY, variables: { images: Array.from({ length: 10 }, () => ({ base64: distinct[0] })) } },
    AUTHORIZATION,
  );
  const identicalCalls = upstream.requests.length;
  console.log(`Batch of 10 identical images: ${identicalCalls} upstream call(s)`);

  service.child.kill('SIGTERM');
  await upstream.stop();
  return { latency: rows, batch, identicalCalls };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
