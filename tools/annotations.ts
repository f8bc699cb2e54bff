// 300-W's annotation files and the judge's faces, for the tools that fit on human annotations
// (tools/ibug68-fit, tools/landmark-refiner).
import fs from 'node:fs';
import path from 'node:path';
import type { Point } from '../src/geometry/geometry';
import { sharedPath } from './shared-folder';

/** A .pts file's 68 points, in 0-based pixels (the files are 1-based). */
export const readPts = (file: string): Point[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((v) => v.length === 2 && v.every(Number.isFinite))
    .map(([x, y]) => ({ x: x! - 1, y: y! - 1 }));

/** The names (file names without extension) of helen-dev's faces: what the fits judge on, and so leave out. */
export function helenDevNames(): Set<string> {
  const truth = JSON.parse(fs.readFileSync(path.join(sharedPath('datasets'), 'helen-dev', 'groundtruth.json'), 'utf8')) as { images: Array<{ file: string }> };
  return new Set(truth.images.map((i) => path.basename(i.file, '.jpg')));
}

/**
 * How far a face is turned, from its 68 points: the nose tip's (point 30) distance from the middle of
 * the jaw's ends (points 0 and 16), as a share of the jaw's width. About 0 for a frontal face; 0.5 puts
 * the nose over a jaw end, as in profile.
 */
export function headTurn(points68: readonly Point[]): number {
  const [left, right, nose] = [points68[0]!, points68[16]!, points68[30]!];
  return Math.abs((nose.x - (left.x + right.x) / 2) / (right.x - left.x));
}

/** Faces turned at least this far (headTurn) count as near profile: the nose tip within a fifth of the jaw's width of its end. */
export const NEAR_PROFILE = 0.3;

export interface AnnotatedFace {
  /** The set and file, e.g. `helen-dev/images/1799534916_1.jpg`. */
  name: string;
  file: string;
  points68: Point[];
}

/** The faces of the shared sets' groundtruth.json files (helen-dev, helen-small, dlib-faces) that `keep` picks. */
export function annotatedFaces(sets: readonly string[], keep: (face: AnnotatedFace) => boolean): AnnotatedFace[] {
  return sets.flatMap((set) => {
    const truth = JSON.parse(fs.readFileSync(path.join(sharedPath('datasets'), set, 'groundtruth.json'), 'utf8')) as {
      images: Array<{ file: string; faces: Array<{ landmarks68?: Array<[number, number]> }> }>;
    };
    return truth.images
      .flatMap((image) =>
        image.faces.flatMap((face) =>
          face.landmarks68
            ? [
                {
                  name: `${set}/${image.file}`,
                  file: path.join(sharedPath('datasets'), set, image.file),
                  points68: face.landmarks68.map(([x, y]) => ({ x, y })),
                },
              ]
            : [],
        ),
      )
      .filter(keep);
  });
}
