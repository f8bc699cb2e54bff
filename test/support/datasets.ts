import fs from 'node:fs';
import path from 'node:path';
import { sharedPath } from '../../tools/shared-folder';

/** ../shared/datasets beside the project root (never copied into the project). */
export const DATASETS = sharedPath('datasets');

export const dataset = (...parts: string[]) => path.join(DATASETS, ...parts);

export const readBase64 = (...parts: string[]) => fs.readFileSync(dataset(...parts)).toString('base64');

export interface GroundTruthFace {
  box: { x: number; y: number; width: number; height: number };
  landmarks68: Array<[number, number]>;
}

export interface GroundTruthImage {
  split: string;
  file: string;
  width: number;
  height: number;
  faces: GroundTruthFace[];
}

/** The images of a dataset with landmark ground truth; `file` is relative to the dataset's folder. */
export function groundTruth(set: 'dlib-faces' | 'helen-dev' | 'helen-small'): GroundTruthImage[] {
  return JSON.parse(fs.readFileSync(dataset(set, 'groundtruth.json'), 'utf8')).images;
}

export const dlibGroundTruth = () => groundTruth('dlib-faces');
