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
