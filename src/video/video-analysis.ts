// A clip's faces, frame by frame, tracked as MediaPipe's video mode does: a face found in one frame is
// followed into the next by a mesh cut around its last mesh; the detector runs on the first frame,
// every few frames for newcomers, and on any frame where a followed face's presence drops. Identity
// across frames comes from the tracker, points are smoothed over time per track, scene cuts end tracks.
import type { PhotoTraffic } from '../detection/photo-traffic';
import { selectFaces } from '../detection/detection-options';
import { iou, type Box, type Point } from '../geometry/geometry';
import { headPoseFromMesh, estimateHeadPose, type HeadPose } from '../geometry/head-pose';
import { fivePointsFrom68, type FivePoints } from '../geometry/landmarks';
import { decodedImage, type CheckedImage } from '../image/image-decoder';
import { packMesh, unpackMesh, type MeshPoint } from '../providers/embedded/mediapipe/face-mesh';
import type { FaceSeed, SeededMesh } from '../providers/embedded/engine-protocol';
import { boxFromMesh, boxOnMesh, followingSeed } from './face-following';
import type { DetectionSettings, FaceAnalyser, FaceDetector, ProviderFace } from '../providers/provider';
import { FaceTracker } from './face-tracker';
import { FaceSmoother, type FaceSmoothing } from './face-smoother';
import { SceneCuts, thumbnail } from './scene-cut';
import { PhaseClock, type AnalysisTimings } from './analysis-timings';
import { decodeFrames, type SegmentFrames, type VideoFrame } from './video-decoder';
import type { DecodeSummary } from './decoder-protocol';
import { VIDEO_CONTAINERS, type VideoInfo } from './video-probe';
import { joinSegments, progressFraction, segmentStarts } from './video-segments';
import fs from 'node:fs';
import type { DecoderProcess } from './decoder-process';
import { metrics } from '../observability/metrics';
import { PortraitCollector, type Portrait } from './portraits';
import { assignPeople } from './people';

/** One face in one frame of a track. Coordinates are pixels of the upright frame. */
export interface TrackedFaceData {
  frame: number;
  time: number;
  box: Box;
  confidence: number;
  fivePoints: FivePoints;
  points68?: Point[];
  /** The 478-point mesh, packed x, y, z. */
  mesh?: Float32Array;
  pose: HeadPose;
  /** Set on a few of each track's best faces (portraits.ts): what the track's person is recognised by. */
  portrait?: Portrait;
}

export interface FaceTrackData {
  id: string;
  faces: TrackedFaceData[];
  /** The person the track shows (people.ts), set when the segments are joined. */
  person?: string;
}

export interface AnalysisOptions {
  /** Runs the decoder's process (decode, frame times). */
  decoder: DecoderProcess;
  file: string;
  info: VideoInfo;
  /** MAX_VIDEO_SECONDS: decoding stops there, whatever the container declared. */
  maxSeconds: number;
  sampleFps?: number;
  smoothing: boolean;
  settings: DetectionSettings;
  detector: FaceDetector;
  /** Follows faces from frame to frame (the embedded engine's meshes). */
  analyser: FaceAnalyser;
  /** The longer side frames are scaled to for detection (as for photos). */
  detectionMaxSide: number;
  signal?: AbortSignal;
  /** A part of the clip only; undefined: all of it. */
  segment?: SegmentFrames;
  /**
   * After each analysed frame: frames analysed, the time of that frame (its presentation time, seconds),
   * and where its packet starts in the file (bytes; -1 unknown), for progress without a declared duration.
   */
  onProgress?: (framesAnalysed: number, time: number, position: number) => void;
  /** Photo detections in flight on this replica: each frame waits for them first (PhotoTraffic). */
  photos?: PhotoTraffic;
  /** Where the analysis's time goes, added up here by phase (the bench's time split); undefined: not timed. */
  timings?: AnalysisTimings;
  /** false: no portraits, so every track is a person of its own (the bench's measure of what people cost). */
  people?: boolean;
}

export interface AnalysisResult {
  tracks: FaceTrackData[];
  framesAnalysed: number;
  /** Indices of the first and last frames analysed (undefined with none). */
  firstFrame?: number;
  lastFrame?: number;
  /** Analysed frames the detector ran on (the others followed their faces by mesh alone). */
  framesDetected: number;
  decode: DecodeSummary;
}

/** Measured on still and moving faces (docs/video.md): jitter down to a third, little lag. */
export const SMOOTHING: FaceSmoothing = {
  placement: { minCutoff: 0.5, beta: 40, derivativeCutoff: 1 },
  shape: { minCutoff: 0.4, beta: 4, derivativeCutoff: 1 },
};
const TRACKING = { minIou: 0.3, maxMissedFrames: 5 };
/** The faces of a track considered as its portraits: one in this many. */
const PORTRAIT_EVERY = 3;
/**
 * Following by mesh (docs/video.md has the measurements): the detector runs at least every
 * `detectEvery` analysed frames, and whenever a followed face's mesh presence falls below `minPresence`.
 */
export const FOLLOWING = { detectEvery: 5, minPresence: 0.5 };

interface Track extends FaceTrackData {
  smoother68: FaceSmoother;
  smootherMesh: FaceSmoother;
  confidence: number;
  /** The mesh's presence when the detector last found the face. */
  detectedPresence: number;
  /** Where the detector's box sits on the face's mesh (boxOnMesh). */
  boxOnMesh?: Box;
  /** The unsmoothed meshes of the track's face in the last analysed frame and the one before, if it had them. */
  lastMesh?: MeshPoint[];
  meshBefore?: MeshPoint[];
  /** The last frame the track has a face in (its face there may still be being smoothed). */
  lastFrame?: number;
}

/** A face of this frame before it has a track id: the detector's, or one followed by mesh. */
interface FrameFace {
  face: Pick<ProviderFace, 'box' | 'confidence' | 'points68' | 'fivePoints' | 'mesh' | 'landmarksConfidence'>;
  /** The face's mesh unpacked (from `face.mesh`), once per face. */
  meshPoints?: MeshPoint[];
  /** True for a face followed by mesh; false for the detector's. */
  followed: boolean;
  /** The track it continues, when known before the tracker matches boxes. */
  track?: Track;
}

type FollowedFace = FrameFace & { track: Track; presence: number };

// The longest a frame waits for photos in flight: a steady stream of photos slows a job to about
// 4 frames a second, never to a halt.
const PHOTO_WAIT_MS = 250;

export async function analyseVideo(options: AnalysisOptions): Promise<AnalysisResult> {
  const { info } = options;
  const tracker = new FaceTracker(TRACKING);
  // Every track in order of its first face (the result), and the working state (smoothers, last meshes)
  // of those the tracker may still continue: a long clip's ended tracks keep only their faces.
  const tracks = {
    all: [] as FaceTrackData[],
    live: new Map<string, Track>(),
    portraits: options.people === false ? undefined : new PortraitCollector(options.analyser),
  };
  const frames = decodeFrames({
    decoder: options.decoder,
    file: options.file,
    info,
    maxSeconds: options.maxSeconds,
    sampleFps: options.sampleFps,
    segment: options.segment,
    maxSide: options.detectionMaxSide,
    signal: options.signal,
  });
  let firstFrame: number | undefined;
  const cuts = new SceneCuts();
  const clock = new PhaseClock(options.timings);
  let previousIndex: number | undefined;
  let analysed = 0;
  let detected = 0;
  let sinceDetection = Infinity;
  let following: Track[] = [];
  // The frames analysed since the detector last ran (within this shot), for faces it finds late.
  let recent: RecentFrame[] = [];
  // Each frame's smoothing, points and pose, left to run while the engine meshes the next frame (the
  // next crop needs only the raw mesh): the main thread and an engine worker each busy at once.
  let pending: Array<() => void> = [];
  const finishPending = () => {
    for (const work of pending) work();
    pending = [];
  };
  // Frames decoded ahead of the one analysed, and their following meshes begun while the detector ran.
  const decoded: VideoFrame[] = [];
  const early = new Map<number, LookAhead>();
  let end: DecodeSummary | undefined;
  const frameAt = async (k: number): Promise<VideoFrame | undefined> => {
    while (decoded.length <= k && !end) {
      const next = await frames.next();
      if (next.done) end = next.value;
      else decoded.push(next.value);
    }
    return decoded[k];
  };
  try {
    const nextFrame = () => clock.wait('decode', frameAt(0));
    for (let frame = await nextFrame(); frame; decoded.shift(), frame = await nextFrame()) {
      if (options.photos) await clock.wait('photos', options.photos.quiet(PHOTO_WAIT_MS));
      const begun = early.get(frame.index);
      early.delete(frame.index);
      if (cuts.next(thumbnail(frame.image))) {
        tracker.cut();
        following = [];
        recent = [];
      }
      const image = begun?.image ?? frameImage(frame, info);
      // Two engine calls at once, on two workers: the detector when it is due runs beside the following
      // meshes, which are otherwise split in two (photos still come first, above). Each run is the photo
      // path's whole detection, what a loop of the frames through detectLandmarks would find. (Looking only
      // for faces other than those followed, then detecting again wherever that found one, cost more: most
      // regular runs on walking.mp4 at 1080p found one, 40 of 56 in a trace.)
      const due = following.length === 0 || sinceDetection >= FOLLOWING.detectEvery;
      // The small-face pass (minFaceSize) runs on the regular detections; a run because a followed face
      // was lost looks for that face, which the first look sees, and comes often as small faces come and go.
      const detectAll = async (settings = options.settings) => {
        const [found] = await options.detector.detect([image], settings, options.signal);
        if (found instanceof Error) throw found;
        return found ?? [];
      };
      let detecting = due ? detectAll() : undefined;
      detecting?.catch(() => undefined); // its failure is thrown where it is awaited below
      const followed =
        following.length > 0
          ? await clock.wait(
              'meshes',
              meanwhile(follow(options.analyser, image, following, begun, due ? 1 : 2), () => clock.run('points and smoothing', finishPending)),
            )
          : [];
      const kept = followed.filter((f) => f.presence >= FOLLOWING.minPresence);
      let faces: FrameFace[] = kept;
      // A face lost from view sends for the detector; one it accepted on a second opinion only (a low presence
      // at once) waits for the next regular run instead, which would otherwise be every frame.
      const lost = followed.some((f) => f.presence < FOLLOWING.minPresence && f.track.detectedPresence >= FOLLOWING.minPresence);
      const detectedHere = due || lost;
      if (detectedHere) {
        const detection = (detecting ??= detectAll({ ...options.settings, minFaceSize: Infinity }));
        // Meanwhile, on the other worker: the next frames' meshes of the faces followed here, each cut
        // where following would cut it if the detector leaves the face as it is (as it mostly does).
        const lookingAhead = lookAheadWhile(detection, kept, previousIndex, async (k, cuts) => {
          const upcoming = await frameAt(k + 1);
          if (!upcoming) return undefined;
          const begunThen = early.get(upcoming.index);
          if (begunThen) return begunThen; // begun while an earlier detector ran, from the same faces
          await options.photos?.quiet(PHOTO_WAIT_MS);
          const ahead = lookAhead(options.analyser, upcoming, info, cuts);
          early.set(upcoming.index, ahead);
          return ahead;
        });
        const found = selectFaces(
          await clock.wait(
            'detector',
            lookingAhead.then(() => detection),
          ),
          options.settings,
        );
        faces = withDetections(
          followed,
          found.map((face) => ({ face, meshPoints: face.mesh && unpackMesh(face.mesh), followed: false })),
        );
        detected++;
        sinceDetection = 0;
      }
      faces = distinctFaces(faces).slice(0, options.settings.maxFaces);
      const ids = tracker.update(
        faces.map((f) => f.face.box),
        faces.map((f) => f.track?.id),
      );
      const earlier = detectedHere
        ? await clock.wait('follow back', followBack(options.analyser, faces, ids, recent, tracks.live, options.settings.maxFaces))
        : undefined;
      following = faces
        .map((f, k) => record(tracks, ids[k]!, f, { ...frame, previous: previousIndex }, options.smoothing, pending, earlier?.get(k)))
        .filter((t) => t.lastMesh);
      recent = detectedHere ? [] : [...recent, { index: frame.index, time: frame.time, image, boxes: faces.map((f) => f.face.box) }];
      const open = tracker.openIds();
      for (const id of tracks.live.keys()) {
        if (open.has(id)) continue;
        tracks.live.delete(id);
        pending.push(() => tracks.portraits?.end(id)); // after the track's last face is recorded
      }
      previousIndex = frame.index;
      firstFrame ??= frame.index;
      sinceDetection++;
      analysed++;
      metrics.videoFrames.inc();
      options.onProgress?.(analysed, frame.time, frame.position);
    }
    clock.run('points and smoothing', finishPending);
    if (tracks.portraits) await clock.wait('portraits', tracks.portraits.finish());
  } finally {
    // A failure mid-clip (an engine error, a cancelled job) must not leave ffmpeg running; after the
    // last frame this does nothing.
    await frames.return({ framesDecoded: 0 });
  }
  return {
    tracks: tracks.all,
    framesAnalysed: analysed,
    firstFrame,
    lastFrame: previousIndex,
    framesDetected: detected,
    decode: end!,
  };
}

export interface ClipAnalysisOptions extends Omit<AnalysisOptions, 'segment' | 'onProgress'> {
  /** Segments analysed side by side (VIDEO_WORKERS); each frame of one makes up to two engine calls at once. */
  workers: number;
  /** After each analysed frame: distinct frames analysed, and the fraction of the clip done (0..1). */
  onProgress?: (framesAnalysed: number, fraction: number) => void;
}

// Containers whose streams ffmpeg seeks into exactly (the others are analysed in one piece).
const SEEKABLE = new Set(['mov', 'matroska']);

/** How a clip is cut: each segment's start (stream seconds) and the frame times that index them; one piece without. */
export interface ClipPlan {
  starts: number[];
  frameTimes?: number[];
}

/**
 * The clip's segments (video-segments.ts) for `workers` analysing it side by side, when it is long
 * enough and its container seeks. The frame times (a pass over the file's packets) are read only for a
 * clip the declared duration would split.
 */
export async function planClip(decoder: DecoderProcess, file: string, info: VideoInfo, workers: number, known?: number[]): Promise<ClipPlan> {
  const split = SEEKABLE.has(VIDEO_CONTAINERS[info.container] ?? '') && segmentStarts(0, info.durationSeconds, workers).length > 1;
  const frameTimes = split ? (known ?? (await decoder.frameTimes(file).catch(() => undefined))) : undefined;
  const starts = frameTimes ? segmentStarts(frameTimes[0]!, frameTimes[frameTimes.length - 1]! - frameTimes[0]!, workers) : [];
  return starts.length > 1 ? { starts, frameTimes } : { starts: [0] };
}

/** Segment `k` of the plan, as analyseVideo takes it (undefined: the whole clip). */
export function planSegment(plan: ClipPlan, k: number): SegmentFrames | undefined {
  return plan.frameTimes && { from: plan.starts[k]!, until: plan.starts[k + 1], frameTimes: plan.frameTimes };
}

/** Seconds of the clip a segment has analysed, by its progress `time` (a presentation time) and the clip's first. */
export function segmentSeconds(plan: ClipPlan, k: number, time: number, startTime: number): number {
  return Math.max(0, time - (plan.frameTimes ? plan.starts[k]! : startTime));
}

/**
 * The segments' analyses (in clip order) as one: tracks joined across boundaries, a boundary frame
 * counted once, and the tracks of one person linked (each track's `person`).
 */
export function mergeAnalyses(results: readonly AnalysisResult[]): AnalysisResult {
  const merged = joinAnalyses(results);
  assignPeople(merged.tracks);
  return merged;
}

function joinAnalyses(results: readonly AnalysisResult[]): AnalysisResult {
  if (results.length === 1) return results[0]!;
  const shared = results.slice(1).filter((r, k) => r.firstFrame !== undefined && r.firstFrame === results[k]!.lastFrame).length;
  return {
    tracks: joinSegments(results.map((r) => r.tracks)),
    framesAnalysed: results.reduce((sum, r) => sum + r.framesAnalysed, 0) - shared,
    firstFrame: results.find((r) => r.firstFrame !== undefined)?.firstFrame,
    lastFrame: results.findLast((r) => r.lastFrame !== undefined)?.lastFrame,
    framesDetected: results.reduce((sum, r) => sum + r.framesDetected, 0),
    decode: {
      framesDecoded: results.reduce((sum, r) => sum + r.decode.framesDecoded, 0),
      failure: results.find((r) => r.decode.failure)?.decode.failure,
      tooLong: results.find((r) => r.decode.tooLong)?.decode.tooLong,
    },
  };
}

/** The whole clip in this process: its segments side by side on `workers`, each taking the next as it finishes one. */
export async function analyseClip(options: ClipAnalysisOptions): Promise<AnalysisResult> {
  const { info, onProgress } = options;
  const fileBytes = (await fs.promises.stat(options.file)).size;
  const plan = await planClip(options.decoder, options.file, info, options.workers);
  const done = plan.starts.map(() => ({ frames: 0, seconds: 0 }));
  const results: AnalysisResult[] = [];
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < plan.starts.length; k = next++) {
      results[k] = await analyseVideo({
        ...options,
        segment: planSegment(plan, k),
        onProgress: (frames, time, position) => {
          done[k] = { frames, seconds: segmentSeconds(plan, k, time, info.startTime) };
          const seconds = done.reduce((sum, d) => sum + d.seconds, 0);
          // Without a declared duration a clip is one piece, and `position` how far its decoder has read the file.
          onProgress?.(
            done.reduce((sum, d) => sum + d.frames, 0),
            progressFraction(info, seconds, position, fileBytes),
          );
        },
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.workers, plan.starts.length) }, worker));
  return mergeAnalyses(results);
}

/**
 * `call`'s result, with `work` run meanwhile: after a turn of the event loop, by which time the call
 * has reached the engine's worker thread.
 */
async function meanwhile<T>(call: Promise<T>, work: () => void): Promise<T> {
  call.catch(() => undefined); // its failure is the caller's, when it awaits it below
  await new Promise((resolve) => setImmediate(resolve));
  work();
  return call;
}

/** Where a face's next mesh is cut: around its last mesh, moved on by the motion since the one before. */
interface Cut {
  last: MeshPoint[];
  before?: MeshPoint[];
}

/** A mesh begun ahead of its frame: the cut it was made for, and the mesh unpacked once. */
interface BegunMesh extends Cut {
  found: SeededMesh;
  points: MeshPoint[];
}

/** A frame's following meshes begun while an earlier frame's detector ran, by the last mesh of each cut. */
interface LookAhead {
  image: CheckedImage;
  meshes: Promise<Map<MeshPoint[], BegunMesh>>;
}

// Frames looked ahead at most while the detector runs: it takes about as long as 3 frames of following.
const MAX_LOOK_AHEAD = 3;

/**
 * While `detecting` runs, the following frames' meshes of `faces` one frame after another, each cut
 * as following would cut it if the detector leaves the faces as they are: a face that keeps its
 * presence is followed on into the next frame. `start(k, cuts)` begins frame k after this one.
 */
async function lookAheadWhile(
  detecting: Promise<unknown>,
  faces: readonly FollowedFace[],
  previousIndex: number | undefined,
  start: (k: number, cuts: Cut[]) => Promise<LookAhead | undefined>,
): Promise<void> {
  let done = false;
  void detecting.finally(() => (done = true)).catch(() => undefined);
  let cuts: Cut[] = faces.map((f) => ({ last: f.meshPoints!, before: meshBeforeNext(f.track, previousIndex) }));
  for (let k = 0; k < MAX_LOOK_AHEAD && cuts.length > 0 && !done; k++) {
    const ahead = await start(k, cuts);
    if (!ahead) return;
    const meshes = await Promise.race([ahead.meshes, detecting.then(() => undefined)]);
    if (!meshes) return;
    cuts = cuts.flatMap(({ last, before }) => {
      const next = meshes.get(last);
      return next !== undefined && next.before === before && next.found.presence >= FOLLOWING.minPresence ? [{ last: next.points, before: last }] : [];
    });
  }
}

/** The frame's meshes of the cuts, in one engine call (the other worker runs the detector). */
function lookAhead(analyser: FaceAnalyser, frame: VideoFrame, info: VideoInfo, cuts: readonly Cut[]): LookAhead {
  const image = frameImage(frame, info);
  const meshes = meshesAt(
    analyser,
    image,
    cuts.map(({ last, before }) => followingSeed(last, before)),
    1,
  ).then((found) => new Map(found.map((m, k) => [cuts[k]!.last, { ...cuts[k]!, found: m, points: unpackMesh(m.mesh) }])));
  meshes.catch(() => undefined); // one left unused (a scene cut, a failed job) must not fail the process
  return { image, meshes };
}

/**
 * Each track's face in this frame: a mesh cut around its last mesh, with the mesh's presence there.
 * Those not begun early go to the engine in `calls` calls at most, which run side by side on its workers.
 */
async function follow(
  analyser: FaceAnalyser,
  image: CheckedImage,
  tracks: readonly Track[],
  early: LookAhead | undefined,
  calls: number,
): Promise<FollowedFace[]> {
  const begun = (await early?.meshes) ?? new Map<MeshPoint[], BegunMesh>();
  const beganFor = (t: Track) => {
    const mesh = begun.get(t.lastMesh!);
    return mesh?.before === t.meshBefore ? mesh : undefined;
  };
  const rest = tracks.filter((t) => !beganFor(t));
  const made = await meshesAt(
    analyser,
    image,
    rest.map((t) => followingSeed(t.lastMesh!, t.meshBefore)),
    calls,
  );
  return tracks.map((track) => {
    const ahead = beganFor(track);
    const { mesh, presence, points68 } = ahead?.found ?? made[rest.indexOf(track)]!;
    const meshPoints = ahead?.points ?? unpackMesh(mesh);
    const box = boxFromMesh(track.boxOnMesh!, meshPoints);
    return { presence, followed: true, track, meshPoints, face: { box, confidence: track.confidence, points68, mesh } };
  });
}

/** The seeds' meshes, in `calls` engine calls at most, which run side by side on its workers. */
async function meshesAt(analyser: FaceAnalyser, image: CheckedImage, seeds: readonly FaceSeed[], calls: number): Promise<SeededMesh[]> {
  if (seeds.length === 0) return [];
  const perCall = Math.ceil(seeds.length / calls);
  const requests = Array.from({ length: Math.ceil(seeds.length / perCall) }, (_, k) => ({ image, seeds: seeds.slice(k * perCall, (k + 1) * perCall) }));
  return (await analyser.meshes(requests)).flat();
}

/**
 * A detection frame's faces. A detection and a followed face that overlap by IoU at least SAME_FACE_LOOSELY
 * are one face (best overlaps first): where they agree (IoU at least AGREEING) the followed face stays,
 * its mesh continuous; where they do not, the detection takes the track over, since a mesh can slide up
 * onto the hair of a face looking down and keep its presence (walking.mp4). Followed faces no detection
 * matched stay while their presence holds; a detection that matched none is a newcomer unless it overlaps
 * a face kept at all (the detector can box one face twice, at IoU under 0.3).
 */
function withDetections(followed: readonly FollowedFace[], detected: readonly FrameFace[]): FrameFace[] {
  const pairs = detected.flatMap((d, i) => followed.map((f) => ({ i, f, overlap: iou(f.face.box, d.face.box) })));
  pairs.sort((a, b) => b.overlap - a.overlap);
  const taken = new Set<number>();
  const matched = new Set<FollowedFace>();
  const faces: FrameFace[] = [];
  for (const { i, f, overlap } of pairs) {
    if (overlap < SAME_FACE_LOOSELY) break;
    if (matched.has(f) || taken.has(i)) continue;
    matched.add(f);
    taken.add(i);
    faces.push(overlap >= AGREEING ? f : { ...detected[i]!, track: f.track });
  }
  faces.push(...followed.filter((f) => !matched.has(f) && f.presence >= FOLLOWING.minPresence));
  const newcomers = detected.filter((d, i) => !taken.has(i) && faces.every((f) => iou(f.face.box, d.face.box) < SAME_FACE_LOOSELY));
  return [...faces, ...newcomers];
}
// Measured on walking.mp4: a mesh slid onto the hair overlaps its face's detection by IoU 0.18; the
// detector's two boxes on one face by 0.29.
const SAME_FACE_LOOSELY = 0.1;
const AGREEING = 0.5;

/** An analysed frame the detector did not run on: its image and the boxes of the faces recorded in it. */
interface RecentFrame {
  index: number;
  time: number;
  image: CheckedImage;
  boxes: Box[];
}

/** A face found late, in a frame before the one where the detector found it. */
interface EarlierFace {
  frame: number;
  time: number;
  face: FrameFace['face'];
  meshPoints: MeshPoint[];
}

/**
 * The faces the detector found in this frame that following did not have (newcomers, and faces
 * following lost), followed back through the frames since the detector last ran, from the latest: the
 * frames a loop of photos would have found them in while the job waited for its next detector run.
 * Back to the track's last face, and while the mesh keeps its presence, the frame has room (maxFaces) and
 * no face recorded there overlaps it. Each face's earlier faces by its place in `faces`, in frame order.
 */
async function followBack(
  analyser: FaceAnalyser,
  faces: readonly FrameFace[],
  ids: readonly string[],
  recent: readonly RecentFrame[],
  live: ReadonlyMap<string, Track>,
  maxFaces: number,
): Promise<Map<number, EarlierFace[]>> {
  const found = new Map<number, EarlierFace[]>();
  for (const [k, { face, meshPoints, followed }] of faces.entries()) {
    if (followed || !meshPoints) continue;
    const since = live.get(ids[k]!)?.lastFrame ?? -1;
    const onMesh = boxOnMesh(face.box, meshPoints);
    const earlier: EarlierFace[] = [];
    let [last, before]: [MeshPoint[], MeshPoint[] | undefined] = [meshPoints, undefined];
    for (let j = recent.length - 1; j >= 0 && recent[j]!.index > since && recent[j]!.boxes.length < maxFaces; j--) {
      const frame = recent[j]!;
      const [mesh] = await meshesAt(analyser, frame.image, [followingSeed(last, before)], 1);
      if (mesh!.presence < FOLLOWING.minPresence) break;
      const points = unpackMesh(mesh!.mesh);
      const box = boxFromMesh(onMesh, points);
      if (frame.boxes.some((b) => iou(b, box) >= TRACKING.minIou)) break;
      frame.boxes.push(box);
      earlier.unshift({
        frame: frame.index,
        time: frame.time,
        meshPoints: points,
        face: { box, confidence: face.confidence, points68: mesh!.points68, mesh: mesh!.mesh },
      });
      [before, last] = [last, points];
    }
    if (earlier.length > 0) found.set(k, earlier);
  }
  return found;
}

/**
 * The faces in order, less each that overlaps one before it as much as the tracker asks of one face
 * across frames: two tracks whose meshes have come to one face.
 */
function distinctFaces<F extends FrameFace>(faces: readonly F[]): F[] {
  const kept: F[] = [];
  for (const f of faces) if (kept.every((k) => iou(k.face.box, f.face.box) < TRACKING.minIou)) kept.push(f);
  return kept;
}

/** Adds the frame's face to its track (started if new) and returns the track. */
function record(
  tracks: { all: FaceTrackData[]; live: Map<string, Track>; portraits?: PortraitCollector },
  id: string,
  { face, meshPoints: mesh, followed }: FrameFace,
  frame: Pick<VideoFrame, 'index' | 'time' | 'image' | 'scale'> & { previous?: number },
  smoothing: boolean,
  later: Array<() => void>,
  earlier: readonly EarlierFace[] = [],
): Track {
  let track = tracks.live.get(id);
  if (!track) {
    track = {
      id,
      faces: [],
      smoother68: new FaceSmoother(SMOOTHING),
      smootherMesh: new FaceSmoother(SMOOTHING),
      confidence: 0,
      detectedPresence: 1,
    };
    tracks.live.set(id, track);
    tracks.all.push({ id, faces: track.faces });
  }
  if (!followed) {
    // A detection: its confidence and its box's place on the mesh carry over to the frames followed from it.
    track.confidence = face.confidence;
    track.detectedPresence = face.landmarksConfidence ?? 1;
    track.boxOnMesh = mesh && boxOnMesh(face.box, mesh);
  }
  // The face's motion is known from a mesh of the analysed frame just before.
  track.meshBefore = meshBeforeNext(track, frame.previous);
  track.lastMesh = mesh;
  track.lastFrame = frame.index;
  const owner = track;
  later.push(() => {
    for (const e of earlier) owner.faces.push(trackedFace(e.face, e.meshPoints, e.frame, e.time, smoothing ? owner : undefined));
    const tracked = trackedFace(face, mesh, frame.index, frame.time, smoothing ? owner : undefined);
    owner.faces.push(tracked);
    // A track's first face and every PORTRAIT_EVERY-th after: faces a frame apart are near copies, not
    // worth judging (their sharpness, on this thread) one by one.
    if (owner.faces.length % PORTRAIT_EVERY === 1) tracks.portraits?.offer(id, tracked, frame.image, frame.scale);
  });
  return track;
}

/** The mesh a track's next cut is moved on from: its last, if it had a face in the analysed frame before this one. */
function meshBeforeNext(track: Track, previousIndex: number | undefined): MeshPoint[] | undefined {
  return track.lastFrame === previousIndex ? track.lastMesh : undefined;
}

function trackedFace(
  face: FrameFace['face'],
  meshPoints: MeshPoint[] | undefined,
  frame: number,
  time: number,
  smoothers?: { smoother68: FaceSmoother; smootherMesh: FaceSmoother },
): TrackedFaceData {
  const points68 = face.points68 && smoothers ? smoothers.smoother68.smooth(face.points68, time) : face.points68;
  // Smoothed in x and y; depth passes as found.
  const smoothedMesh = meshPoints && smoothers ? smoothers.smootherMesh.smooth(meshPoints, time).map((p, i) => ({ ...p, z: meshPoints[i]!.z })) : meshPoints;
  const mesh = smoothedMesh && smoothers ? packMesh(smoothedMesh) : face.mesh;
  const fivePoints = points68 ? fivePointsFrom68(points68) : face.fivePoints!;
  const pose = smoothedMesh ? headPoseFromMesh(smoothedMesh) : estimateHeadPose(fivePoints);
  return { frame, time, box: face.box, confidence: face.confidence, fivePoints, points68, mesh, pose };
}

/** A decoded frame as the image the detector takes: decoded at the detection size already (decodeFrames' `maxSide`). */
function frameImage(frame: VideoFrame, info: VideoInfo): CheckedImage {
  return decodedImage({ ...frame.image, scale: frame.scale }, `frame ${frame.index}`, info.width, info.height);
}
