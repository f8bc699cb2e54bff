import { distance, type Point } from './geometry';
import { fivePointsFrom68 } from './landmarks';
import { at } from '../checked';

/** Normalised mean errors (% of the inter-ocular distance, eye centres from the 68) of 68 predicted points. */
export interface LandmarkErrors {
  five: number;
  all68: number;
  /** The 51 inner points (no jaw): fairer where a model's jaw follows another convention. */
  inner51: number;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function landmarkErrors(truth: readonly Point[], predicted: readonly Point[]): LandmarkErrors {
  const t5 = fivePointsFrom68(truth);
  const p5 = fivePointsFrom68(predicted);
  const interocular = distance(t5.leftEye, t5.rightEye);
  const keys = ['leftEye', 'rightEye', 'noseTip', 'mouthLeft', 'mouthRight'] as const;
  const pct = (d: number) => (d / interocular) * 100;
  return {
    five: pct(mean(keys.map((k) => distance(t5[k]!, p5[k]!)))),
    all68: pct(mean(truth.map((p, i) => distance(p, at(predicted, i))))),
    inner51: pct(mean(truth.slice(17).map((p, i) => distance(p, at(predicted, i + 17))))),
  };
}
