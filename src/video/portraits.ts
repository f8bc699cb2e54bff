// Each track's best portraits, gathered while the clip is analysed: the region around a face is kept
// (not the frame) while it ranks among its track's best few, and when the track ends those few go to
// the engine for their descriptors (with other ended tracks', a few chips a call), the best also for
// its thumbnail.
import sharp from 'sharp';
import { at } from '../checked';
import { log } from '../logger';
import { clipBox, pixelRegion, scaleBox, type Box } from '../geometry/geometry';
import { composeSimilarities, invertSimilarity, squareFootprint, type Similarity } from '../geometry/similarity';
import type { FivePoints } from '../geometry/landmarks';
import { chipTransform, DESCRIPTOR_CHIP } from '../crops/face-crops';
import { decodedImage, type CheckedImage, type RgbImage } from '../image/image-decoder';
import { faceQuality } from '../providers/embedded/face-quality';
import type { FaceAnalyser } from '../providers/provider';
import { bestPortraits, isAmongBest, portraitScore } from './people';
import type { HeadPose } from '../geometry/head-pose';

/** What a portrait face carries into the results: its score and descriptor; the track's best, its thumbnail. */
export interface Portrait {
  score: number;
  descriptor: number[];
  /** The face as a THUMBNAIL_SIZE square JPEG (base64), on its track's best portrait only. */
  thumbnail?: string;
  /** What the thumbnail covers in the frame (upright-frame pixels, inside the frame). */
  thumbnailRectangle?: Box;
}

/** Side of the stored thumbnail; a client's `size` scales it. */
export const THUMBNAIL_SIZE = 192;
/** The thumbnail shows the head: the ArcFace framing (as `Face.aligned`) zoomed out by this. */
const THUMBNAIL_ZOOM = 1.5;

/** What choosing reads of a tracked face (video-analysis.ts's TrackedFaceData), and where it writes its portrait. */
interface PortraitFace {
  frame: number;
  time: number;
  box: Box;
  fivePoints: FivePoints;
  pose: HeadPose;
  portrait?: Portrait;
}

interface Candidate {
  face: PortraitFace;
  frame: number;
  time: number;
  score: number;
  /** The frame's region around the face (detection-size pixels), and where it sat in the frame. */
  region: RgbImage;
  origin: { x: number; y: number };
  scale: number;
  /** What a thumbnail of this face covers in the frame (upright pixels). */
  covers: Box;
}

export class PortraitCollector {
  private readonly candidates = new Map<string, Candidate[]>();
  /** Ended tracks' portraits not yet sent to the engine. */
  private readonly ended: Candidate[][] = [];
  private readonly pending: Array<Promise<void>> = [];

  constructor(private readonly analyser: FaceAnalyser) {}

  /** Considers a track's face in a frame (`frame`: detection-size pixels, `scale` upright pixels per pixel). */
  offer(track: string, face: PortraitFace, frame: RgbImage, scale: number): void {
    const score = portraitScore(faceQuality(frame, scaleBox(face.box, 1 / scale), scale), face.pose);
    const kept = this.candidates.get(track) ?? [];
    const scores = kept.map((c) => c.score);
    if (!isAmongBest(score, scores) || !inView(face.box, frame.width * scale, frame.height * scale)) return;
    const footprint = squareFootprint(thumbnailToImage(face.fivePoints), THUMBNAIL_SIZE);
    const covers = clipBox(footprint, frame.width * scale, frame.height * scale);
    const region = pixelRegion(
      { x: footprint.x / scale - 1, y: footprint.y / scale - 1, width: footprint.width / scale + 2, height: footprint.height / scale + 2 },
      frame.width,
      frame.height,
    );
    if (!region || !covers) return;
    const candidate = {
      face,
      frame: face.frame,
      time: face.time,
      score,
      region: copyRegion(frame, region),
      origin: { x: region.x, y: region.y },
      scale,
      covers,
    };
    this.candidates.set(track, bestPortraits([...kept, candidate]));
  }

  /**
   * The track has ended: its portraits wait for others' to fill an engine call (DESCRIPTOR_BATCH
   * chips: a chip alone costs about twice what it does in company), then are described in the background.
   */
  end(track: string): void {
    const chosen = this.candidates.get(track);
    this.candidates.delete(track);
    if (!chosen?.length) return;
    this.ended.push(chosen);
    if (this.ended.reduce((n, c) => n + c.length, 0) >= DESCRIPTOR_BATCH) this.describeEnded();
  }

  /** Ends every track and waits for all portraits: each chosen face then has its `portrait`. */
  async finish(): Promise<void> {
    for (const track of [...this.candidates.keys()]) this.end(track);
    // The rest in two calls at least (the job waits for them: both engine workers take a share).
    const chips = this.ended.reduce((n, c) => n + c.length, 0);
    while (this.ended.length > 0) this.describeEnded(Math.min(DESCRIPTOR_BATCH, Math.ceil(chips / 2)));
    await Promise.all(this.pending);
  }

  /** Ended tracks' portraits, up to `batch` chips (at least one track's), to the engine in the background. */
  private describeEnded(batch = DESCRIPTOR_BATCH): void {
    const tracks: Candidate[][] = [];
    for (let chips = 0; this.ended.length > 0 && (tracks.length === 0 || chips + this.ended[0]!.length <= batch);) {
      const next = this.ended.shift()!;
      tracks.push(next);
      chips += next.length;
    }
    // People are an addition to the tracks: an engine failure here leaves these tracks people of their
    // own (no portrait) rather than failing a job whose frames are all analysed.
    const described = this.describe(tracks).catch((error: unknown) => {
      log.warn('portraits could not be described: their tracks stay people of their own', { error: error instanceof Error ? error.message : String(error) });
    });
    this.pending.push(described);
  }

  /** The tracks' portraits' descriptors in one engine call, their best portraits' thumbnails in another, side by side. */
  private async describe(tracks: ReadonlyArray<readonly Candidate[]>): Promise<void> {
    const chosen = tracks.flat();
    const best = tracks.map((t) => t[0]!);
    const [descriptors, warped] = await Promise.all([
      this.analyser.descriptors(
        chosen.map((c) => ({ image: regionImage(c), toImages: [inRegion(c, invertSimilarity(chipTransform(c.face.fivePoints, DESCRIPTOR_CHIP)))] })),
        DESCRIPTOR_CHIP,
      ),
      this.analyser.warps(
        best.map((c) => ({ image: regionImage(c), squares: [{ toImage: inRegion(c, thumbnailToImage(c.face.fivePoints)), size: THUMBNAIL_SIZE }] })),
      ),
    ]);
    chosen.forEach((c, k) => {
      c.face.portrait = { score: c.score, descriptor: at(at(descriptors, k), 0) };
    });
    await Promise.all(
      best.map(async (c, k) => {
        const square = at(at(warped, k), 0);
        const jpeg = await sharp(square.data, { raw: { width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, channels: 3 } })
          .jpeg({ quality: 90 })
          .toBuffer();
        c.face.portrait = { ...c.face.portrait!, thumbnail: jpeg.toString('base64'), thumbnailRectangle: c.covers };
      }),
    );
  }
}

/**
 * Chips per descriptor call: the recognition net's cost per chip is lowest at about 6 at once
 * (`BENCH_ONLY=descriptor-batches`: 34-35 ms, against 63-110 alone, 36-41 for 3 and 38-39 for 12), and
 * a call of 6 holds an engine worker from following faces half as long as one of 12.
 */
const DESCRIPTOR_BATCH = 6;

/** Whether the face box lies in the frame (at least IN_VIEW of it): a face cut by the frame's edge describes someone else. */
function inView(box: Box, width: number, height: number): boolean {
  const seen = clipBox(box, width, height);
  return seen !== undefined && seen.width * seen.height >= IN_VIEW * box.width * box.height;
}
const IN_VIEW = 0.9;

/** Thumbnail pixel -> upright frame point: the ArcFace framing, zoomed out about the square's centre. */
function thumbnailToImage(points: FivePoints): Similarity {
  const toChip = chipTransform(points, THUMBNAIL_SIZE);
  const c = (THUMBNAIL_SIZE - 1) / 2;
  const zoomOut = { a: { x: THUMBNAIL_ZOOM, y: 0 }, b: { x: c - c * THUMBNAIL_ZOOM, y: c - c * THUMBNAIL_ZOOM } };
  return composeSimilarities(zoomOut, invertSimilarity(toChip));
}

/** A transform onto the frame as one onto the candidate's region: the region's origin moved to 0, 0. */
function inRegion(c: Candidate, toImage: Similarity): Similarity {
  return composeSimilarities(toImage, { a: { x: 1, y: 0 }, b: { x: -c.origin.x * c.scale, y: -c.origin.y * c.scale } });
}

function copyRegion(frame: RgbImage, region: Box): RgbImage {
  const data = Buffer.alloc(region.width * region.height * 3);
  for (let y = 0; y < region.height; y++) {
    const from = ((region.y + y) * frame.width + region.x) * 3;
    frame.data.copy(data, y * region.width * 3, from, from + region.width * 3);
  }
  return { data, width: region.width, height: region.height };
}

/** The region as the image the engine's per-face work takes. */
function regionImage(c: Candidate): CheckedImage {
  return decodedImage({ ...c.region, scale: c.scale }, `portrait ${c.face.frame}`, c.region.width * c.scale, c.region.height * c.scale);
}
