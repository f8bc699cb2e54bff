// The footage recall check shared by the tests, the accuracy script and the bench: every 5th frame of
// ../shared/datasets/video/walking.mp4 with the faces walking-faces.json lists for it.
import fs from 'node:fs';
import path from 'node:path';
import { iou, type Box } from '../src/geometry/geometry';
import { framesOf } from './video-frames';

export interface FootageFrame {
  /** The frame as PNG bytes. */
  bytes: Buffer;
  /** The faces two detector families agree on, checked by eye: an upper bound of what a person counts. */
  listed: Box[];
}

/** The listed frames of walking.mp4, decoded; `videoDir` is the datasets' video folder. */
export async function walkingFootage(videoDir: string): Promise<FootageFrame[]> {
  const truth = JSON.parse(fs.readFileSync(path.join(videoDir, 'walking-faces.json'), 'utf8')) as { frames: Array<{ faces: Box[] }> };
  const frames = await framesOf(path.join(videoDir, 'walking.mp4'), 5);
  if (frames.length !== truth.frames.length) throw new Error(`walking.mp4 gave ${frames.length} frames; walking-faces.json lists ${truth.frames.length}`);
  return frames.map((bytes, k) => ({ bytes, listed: truth.frames[k]!.faces }));
}

/** Listed faces that a found box overlaps by IoU >= 0.3, and found boxes the list lacks. */
export function footageRecall(listed: readonly Box[], found: readonly Box[]): { found: number; unlisted: number } {
  return {
    found: listed.filter((t) => found.some((f) => iou(f, t) >= 0.3)).length,
    unlisted: found.filter((f) => listed.every((t) => iou(f, t) < 0.3)).length,
  };
}
