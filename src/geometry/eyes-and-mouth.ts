// Eye and mouth state from the 478-point face mesh (what Rekognition calls EyesOpen, MouthOpen and
// EyeDirection). Pure: mesh points in, numbers out.
import { distance, type Point } from './geometry';
import type { HeadPose } from './head-pose';
import { at } from '../checked';

export interface Eyes {
  /** 0..1 per eye, image-left and image-right. */
  leftOpenness: number;
  rightOpenness: number;
  /** Degrees, the head pose's conventions: yaw positive towards the image's right, pitch positive up. */
  gaze: { yaw: number; pitch: number };
}

export interface Mouth {
  openness: number;
}

// Mesh vertices: per eye its two corners (image-left first), two upper and two lower lid points (the
// iBUG eye points 37/38 over 41/40), and the pupil.
const EYES = [
  { corners: [33, 133], upper: [160, 158], lower: [144, 153], pupil: 468 },
  { corners: [362, 263], upper: [385, 387], lower: [380, 373], pupil: 473 },
] as const;
// The inner lips (iBUG 61-63 over 67-65) and the mouth corners (iBUG 48, 54).
const MOUTH = { corners: [61, 291], upper: [82, 13, 312], lower: [87, 14, 317] } as const;

/**
 * Openness = the lid gap over the eye's width (the eye aspect ratio) divided by 0.4, at most 1. At
 * 0.5 the ratio is 0.2, the blink threshold of Soukupová and Čech (2016): below it, the eye is closed.
 */
export const EYE_RATIO_FULL = 0.4;
/** Openness = the inner-lip gap over the mouth's width divided by 0.5, at most 1; open at 0.5 (a gap of a quarter of the width). */
export const MOUTH_RATIO_FULL = 0.5;
/** The eyeball's radius as a share of the eye's corner-to-corner width (24 mm eyeballs, 28-30 mm eyes). */
const EYEBALL_RADIUS = 0.42;

/** Mean vertical gap of paired points over the distance between two corners. */
function apertureRatio(mesh: readonly Point[], corners: readonly [number, number], upper: readonly number[], lower: readonly number[]): number {
  const gap = upper.reduce((sum, u, k) => sum + distance(at(mesh, u), at(mesh, at(lower, k))), 0) / upper.length;
  return gap / distance(at(mesh, corners[0]), at(mesh, corners[1]));
}

const openness = (ratio: number, full: number) => Math.min(1, ratio / full);
const degrees = (radians: number) => (radians * 180) / Math.PI;

/** The pupil's turn in the eye: its offset from the corners' midpoint, along and across them, over the eyeball's radius. */
function eyeTurn(mesh: readonly Point[], eye: (typeof EYES)[number]): { yaw: number; pitch: number } {
  const a = at(mesh, eye.corners[0]);
  const b = at(mesh, eye.corners[1]);
  const p = at(mesh, eye.pupil);
  const width = distance(a, b);
  const along = { x: (b.x - a.x) / width, y: (b.y - a.y) / width };
  const dx = p.x - (a.x + b.x) / 2;
  const dy = p.y - (a.y + b.y) / 2;
  const radius = EYEBALL_RADIUS * width;
  const angle = (offset: number) => degrees(Math.asin(Math.max(-1, Math.min(1, offset / radius))));
  // Across the eye, image y runs down: a pupil above the corner line looks up.
  return { yaw: angle(dx * along.x + dy * along.y), pitch: -angle(-dx * along.y + dy * along.x) };
}

/** Both eyes' openness, and where they look: the head's turn plus the pupils' mean turn within the eyes. */
export function eyesFromMesh(mesh: readonly Point[], head: Pick<HeadPose, 'yaw' | 'pitch'>): Eyes {
  const [left, right] = EYES.map((eye) => openness(apertureRatio(mesh, eye.corners, eye.upper, eye.lower), EYE_RATIO_FULL)) as [number, number];
  const turns = EYES.map((eye) => eyeTurn(mesh, eye));
  const mean = (key: 'yaw' | 'pitch') => turns.reduce((sum, t) => sum + t[key], 0) / turns.length;
  return { leftOpenness: left, rightOpenness: right, gaze: { yaw: head.yaw + mean('yaw'), pitch: head.pitch + mean('pitch') } };
}

export function mouthFromMesh(mesh: readonly Point[]): Mouth {
  return { openness: openness(apertureRatio(mesh, MOUTH.corners, MOUTH.upper, MOUTH.lower), MOUTH_RATIO_FULL) };
}
