import { centroid, distance, type Point } from './geometry';
import type { FivePoints } from './landmarks';

/** Degrees. */
export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

// Nose-tip depth in front of the eye plane, in inter-ocular distances (average adult face).
const NOSE_DEPTH = 0.55;
// Frontal face: the nose tip sits this far from the eye line towards the mouth line.
const FRONTAL_NOSE_RATIO = 0.5;
// Frontal face: eye line to nose tip, in inter-ocular distances (when the mouth is missing).
const FRONTAL_NOSE_DROP = 0.6;

const degrees = (radians: number) => (radians * 180) / Math.PI;

/**
 * A geometric head-pose estimate from the five points: roll from the eye line, yaw from how far the
 * nose tip sits off the eyes' midpoint, pitch from where it sits between the eye and mouth lines.
 * Roll is exact up to the points' error; yaw and pitch assume average face proportions.
 */
export function estimateHeadPose(points: FivePoints): HeadPose {
  const { leftEye, rightEye, noseTip } = points;
  const roll = Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x);
  const eyes = centroid([leftEye, rightEye]);
  // Undo the roll around the eyes' midpoint: x along the eye line, y down the face.
  const upright = (p: Point): Point => {
    const dx = p.x - eyes.x;
    const dy = p.y - eyes.y;
    return { x: dx * Math.cos(-roll) - dy * Math.sin(-roll), y: dx * Math.sin(-roll) + dy * Math.cos(-roll) };
  };
  const interocular = distance(leftEye, rightEye);
  const nose = upright(noseTip);
  const yaw = Math.atan(nose.x / interocular / NOSE_DEPTH);
  const mouth = points.mouthLeft && points.mouthRight ? upright(centroid([points.mouthLeft, points.mouthRight])) : undefined;
  const pitch = mouth && mouth.y > 0
    ? Math.atan((FRONTAL_NOSE_RATIO - nose.y / mouth.y) / NOSE_DEPTH)
    : Math.atan((FRONTAL_NOSE_DROP - nose.y / interocular) / NOSE_DEPTH);
  return { yaw: degrees(yaw), pitch: degrees(pitch), roll: degrees(roll) };
}
