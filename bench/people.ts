// BENCH_ONLY=people: what the people of a video rest on and what they cost.
// 1. Descriptor distances between faces of known identity: the cast photos labelled by hand
//    (tools/cast-clip.ts; the seven expression photos are seven more people), same person against
//    different people, and the error rates of the linking threshold on them.
// 2. The same on tracks: the cast clip's tracks (labelled by the face centres) and walking.mp4's tracks
//    that are on screen at once (two people, whoever they are), as linking sees them.
// 3. The cost: walking.mp4 analysed with people and without, alternating, in one process.
import { DEFAULT_MIN_FACE_SIZE } from '../src/detection/detection-options';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { path as ffmpegPath } from '@ffmpeg-installer/ffmpeg';
import { chipTransform, DESCRIPTOR_CHIP } from '../src/crops/face-crops';
import { invertSimilarity } from '../src/geometry/similarity';
import { fivePointsFrom68 } from '../src/geometry/landmarks';
import { checkImage } from '../src/image/image-decoder';
import { ProviderName } from '../src/config';
import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import { DecoderProcess } from '../src/video/decoder-process';
import { analyseClip, type AnalysisResult } from '../src/video/video-analysis';
import { bestPortraits, descriptorDistance, SAME_PERSON_DISTANCE, trackDistance } from '../src/video/people';
import { actorIn, CAST, castShotOf, makeCastClip } from '../tools/cast-clip';
import { sharedPath } from '../tools/shared-folder';

const EXPRESSION_PHOTOS = ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised'].map((n) => `${n}.jpg`);
const SETTINGS = { minConfidence: 0.5, maxFaces: 20, minFaceSize: DEFAULT_MIN_FACE_SIZE, provider: ProviderName.EMBEDDED };

interface Distances {
  same: number[];
  different: number[];
}

/** Each labelled face's descriptor, as the photo API computes `Face.descriptor`, with who it is. */
async function labelledDescriptors(engine: EmbeddedProvider): Promise<Array<{ who: string; descriptor: number[] }>> {
  const photos: Array<[string, Record<string, { x: number; y: number }> | undefined]> = [
    ...Object.entries(CAST),
    ...EXPRESSION_PHOTOS.map((f): [string, undefined] => [f, undefined]),
  ];
  const found: Array<{ who: string; descriptor: number[] }> = [];
  for (const [file, labels] of photos) {
    const bytes = fs.readFileSync(sharedPath('datasets', 'photos', file));
    const image = await checkImage({ bytes, sha256: crypto.createHash('sha256').update(bytes).digest('hex') }, { maxPixels: 1e8, maxSide: 1280 });
    const [faces] = await engine.detect([image], SETTINGS);
    if (!Array.isArray(faces)) throw new Error(`${file}: ${String(faces)}`);
    // A labelled photo: the face whose box holds each label; an expression photo: its one face.
    const named = labels
      ? Object.entries(labels).flatMap(([who, p]) => {
          const face = faces.find((f) => p.x >= f.box.x && p.x <= f.box.x + f.box.width && p.y >= f.box.y && p.y <= f.box.y + f.box.height);
          return face ? [{ who, face }] : [];
        })
      : faces.slice(0, 1).map((face) => ({ who: file, face }));
    const [descriptors] = await engine.descriptors(
      [{ image, toImages: named.map(({ face }) => invertSimilarity(chipTransform(face.fivePoints ?? fivePointsFrom68(face.points68!), DESCRIPTOR_CHIP))) }],
      DESCRIPTOR_CHIP,
    );
    named.forEach(({ who }, k) => found.push({ who, descriptor: descriptors![k]! }));
  }
  return found;
}

function pairs<T>(items: readonly T[], distance: (a: T, b: T) => number, same: (a: T, b: T) => boolean | undefined): Distances {
  const result: Distances = { same: [], different: [] };
  items.forEach((a, i) =>
    items.slice(i + 1).forEach((b) => {
      const isSame = same(a, b);
      if (isSame !== undefined) result[isSame ? 'same' : 'different'].push(distance(a, b));
    }),
  );
  return result;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

function printDistances(set: string, { same, different }: Distances): Record<string, unknown> {
  const s = [...same].sort((a, b) => a - b);
  const d = [...different].sort((a, b) => a - b);
  const spread = (v: number[]) =>
    v.length ? [v[0]!, quantile(v, 0.05), quantile(v, 0.5), quantile(v, 0.95), v.at(-1)!].map((x) => x.toFixed(3)).join(' / ') : '-';
  const falseMerges = d.filter((x) => x < SAME_PERSON_DISTANCE).length;
  const falseSplits = s.filter((x) => x >= SAME_PERSON_DISTANCE).length;
  console.log(
    `| ${set} | ${s.length} | ${spread(s)} | ${d.length} | ${spread(d)} | ${falseMerges} (${((100 * falseMerges) / Math.max(1, d.length)).toFixed(1)} %) | ${falseSplits} (${((100 * falseSplits) / Math.max(1, s.length)).toFixed(1)} %) |`,
  );
  return { same: s, different: d, falseMerges, falseSplits };
}

/** A track as linking sees it: its span and its best portraits' descriptors. */
const identity = (t: AnalysisResult['tracks'][number]) => ({
  firstFrame: t.faces[0]!.frame,
  lastFrame: t.faces.at(-1)!.frame,
  descriptors: bestPortraits(t.faces.flatMap((f) => (f.portrait ? [{ frame: f.frame, time: f.time, ...f.portrait }] : []))).map((p) => p.descriptor),
});
/** Apart in time or not, the mean distance of two tracks' descriptors (trackDistance without its time rule). */
const descriptorsApart = (a: ReturnType<typeof identity>, b: ReturnType<typeof identity>) =>
  trackDistance({ ...a, firstFrame: 0, lastFrame: 0 }, { ...b, firstFrame: 1, lastFrame: 1 });

/** The recognition net's cost per chip by the chips in one call (one worker; bbt4.jpg's six faces, repeated). */
export async function benchDescriptorBatches(): Promise<Record<number, number>> {
  const engine = new EmbeddedProvider({ threads: 1, engine: 'mediapipe' });
  await engine.start();
  try {
    const bytes = fs.readFileSync(sharedPath('datasets', 'photos', 'bbt4.jpg'));
    const image = await checkImage({ bytes, sha256: 'bbt4' }, { maxPixels: 1e8, maxSide: 1280 });
    const [faces] = await engine.detect([image], SETTINGS);
    if (!Array.isArray(faces)) throw new Error(String(faces));
    const chips = faces.map((f) => invertSimilarity(chipTransform(f.fivePoints ?? fivePointsFrom68(f.points68!), DESCRIPTOR_CHIP)));
    console.log('\nThe descriptor (face-api recognition net, 150 px chips), ms a chip by chips a call, one worker, mean of 3 calls after one to warm');
    console.log('| chips a call | 1 | 3 | 6 | 12 |');
    console.log('|---|---|---|---|---|');
    const perChip: Record<number, number> = {};
    for (const n of [1, 3, 6, 12]) {
      const call = () => engine.descriptors([{ image, toImages: Array.from({ length: n }, (_, k) => chips[k % chips.length]!) }], DESCRIPTOR_CHIP);
      await call();
      const started = performance.now();
      for (let r = 0; r < 3; r++) await call();
      perChip[n] = (performance.now() - started) / 3 / n;
    }
    console.log(`| ms a chip | ${[1, 3, 6, 12].map((n) => perChip[n]!.toFixed(1)).join(' | ')} |`);
    return perChip;
  } finally {
    await engine.close();
  }
}

export async function benchPeople(threads: number) {
  const descriptorBatches = await benchDescriptorBatches();
  const engine = new EmbeddedProvider({ threads, engine: 'mediapipe' });
  await engine.start();
  const decoder = new DecoderProcess({ maxMemoryBytes: 4 * 2 ** 30, maxCpuSeconds: 3600 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-bench-people-'));
  try {
    const analyse = async (file: string, people = true) =>
      analyseClip({
        decoder,
        maxSeconds: 3600,
        workers: 1,
        file,
        info: await decoder.probe(file, { maxPixels: 1e8, maxSeconds: 3600 }),
        smoothing: true,
        settings: SETTINGS,
        detector: engine,
        analyser: engine,
        detectionMaxSide: 1280,
        people,
      });
    console.log(`\nDescriptor distances by identity (min / 5 % / median / 95 % / max), and the linking threshold ${SAME_PERSON_DISTANCE}'s errors`);
    console.log(
      '| set | same-person pairs | distances | different-person pairs | distances | false merges (different under it) | false splits (same at or over it) |',
    );
    console.log('|---|---|---|---|---|---|---|');
    const photos = await labelledDescriptors(engine);
    const photoPairs = printDistances(
      'cast and expression photos, one face each',
      pairs(
        photos,
        (a, b) => descriptorDistance(a.descriptor, b.descriptor),
        (a, b) => a.who === b.who,
      ),
    );

    const cast = path.join(dir, 'cast.mp4');
    makeCastClip(ffmpegPath, cast);
    const castTracks = (await analyse(cast)).tracks.flatMap((t) => {
      const first = t.faces[0]!;
      const actor = actorIn(first.frame, first.box);
      const track = identity(t);
      return actor && track.descriptors.length ? [{ actor, scene: castShotOf(first.frame).shot.photo, track }] : [];
    });
    const castPairs = printDistances(
      'the cast clip, tracks (their best portraits)',
      pairs(
        castTracks,
        (a, b) => descriptorsApart(a.track, b.track),
        (a, b) => a.actor === b.actor,
      ),
    );
    const acrossScenes = printDistances(
      'the cast clip, tracks of different scenes only',
      pairs(
        castTracks,
        (a, b) => descriptorsApart(a.track, b.track),
        (a, b) => (a.scene === b.scene ? undefined : a.actor === b.actor),
      ),
    );
    const walking = sharedPath('datasets', 'video', 'walking.mp4');
    const walkingTracks = (await analyse(walking)).tracks.map(identity).filter((t) => t.descriptors.length);
    const walkingPairs = printDistances(
      'walking.mp4, tracks on screen at once (different people)',
      pairs(walkingTracks, descriptorsApart, (a, b) => (a.firstFrame <= b.lastFrame && b.firstFrame <= a.lastFrame ? false : undefined)),
    );

    // The cost: alternating runs with and without people, the first of each a warm-up.
    const times: Record<'with' | 'without', number[]> = { with: [], without: [] };
    let result: AnalysisResult | undefined;
    for (let run = 0; run < 6; run++) {
      for (const people of [true, false]) {
        const started = performance.now();
        const analysed = await analyse(walking, people);
        if (run > 0) times[people ? 'with' : 'without'].push(performance.now() - started);
        if (people) result = analysed;
      }
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
    const [withPeople, without] = [median(times.with), median(times.without)];
    const people = new Set(result!.tracks.map((t) => t.person)).size;
    console.log(
      `\nPeople's cost on walking.mp4 (1920x1080, 105 frames), median of 5 alternating runs after one of each to warm, one segment, ${threads} engine workers`,
    );
    console.log('| without people s | with people s | ratio | tracks | people | portraits (descriptors) |');
    console.log('|---|---|---|---|---|---|');
    const portraits = result!.tracks.reduce((n, t) => n + t.faces.filter((f) => f.portrait).length, 0);
    console.log(
      `| ${(without / 1000).toFixed(2)} | ${(withPeople / 1000).toFixed(2)} | ${(withPeople / without).toFixed(3)} | ${result!.tracks.length} | ${people} | ${portraits} |`,
    );
    const counts = (d: Record<string, unknown>) => ({ falseMerges: d.falseMerges, falseSplits: d.falseSplits });
    return {
      descriptorBatches,
      threshold: SAME_PERSON_DISTANCE,
      photos: counts(photoPairs),
      castClip: counts(castPairs),
      castAcrossScenes: counts(acrossScenes),
      walking: counts(walkingPairs),
      cost: { withoutMs: without, withMs: withPeople, ratio: withPeople / without, tracks: result!.tracks.length, people, portraits },
    };
  } finally {
    decoder.close();
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
