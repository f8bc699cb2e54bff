import { centroid, distance, type Point } from './geometry';
import type { FivePoints } from './landmarks';
import { applySimilarity, rotationAbout } from './similarity';
import { at } from '../checked';

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

/** A point of a 3-D face mesh: x right, y down, z away from the camera (pixels). */
export interface Point3 {
  x: number;
  y: number;
  z: number;
}

// MediaPipe mesh indices: the face's image-left and image-right sides at the ears, the top of the
// forehead and the chin.
const MESH_LEFT_SIDE = 234;
const MESH_RIGHT_SIDE = 454;
const MESH_FOREHEAD = 10;
const MESH_CHIN = 152;

const sub = (a: Point3, b: Point3): Point3 => ({ x: a.x - b.x, y: a.y - b.y, z: a.z - b.z });
const dot = (a: Point3, b: Point3) => a.x * b.x + a.y * b.y + a.z * b.z;
const scale = (a: Point3, k: number): Point3 => ({ x: a.x * k, y: a.y * k, z: a.z * k });
const unit = (a: Point3) => scale(a, 1 / Math.sqrt(dot(a, a)));
const cross = (a: Point3, b: Point3): Point3 => ({ x: a.y * b.z - a.z * b.y, y: a.z * b.x - a.x * b.z, z: a.x * b.y - a.y * b.x });

/**
 * Head pose from a 3-D face mesh (MediaPipe's index order): the face's own axes (across from side to
 * side, down from forehead to chin, and into the head) in camera space. Same conventions as
 * estimateHeadPose: roll positive for a clockwise tilt, yaw positive with the nose towards the
 * image's right, pitch positive looking up.
 */
export function headPoseFromMesh(mesh: readonly Point3[]): HeadPose {
  const across = unit(sub(at(mesh, MESH_RIGHT_SIDE), at(mesh, MESH_LEFT_SIDE)));
  const downRaw = sub(at(mesh, MESH_CHIN), at(mesh, MESH_FOREHEAD));
  const down = unit(sub(downRaw, scale(across, dot(downRaw, across))));
  const inward = cross(across, down);
  const roll = Math.atan2(across.y, across.x);
  // The inward axis seen with the roll undone: its x and y then tell yaw and pitch.
  const x = inward.x * Math.cos(roll) + inward.y * Math.sin(roll);
  const y = -inward.x * Math.sin(roll) + inward.y * Math.cos(roll);
  const yaw = Math.atan2(-x, inward.z);
  const pitch = Math.atan2(y, Math.hypot(x, inward.z));
  return { yaw: degrees(yaw), pitch: degrees(pitch), roll: degrees(roll) };
}

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
  const level = rotationAbout(eyes, -roll);
  const upright = (p: Point): Point => {
    const q = applySimilarity(level, p);
    return { x: q.x - eyes.x, y: q.y - eyes.y };
  };
  const interocular = distance(leftEye, rightEye);
  const nose = upright(noseTip);
  const yaw = Math.atan(nose.x / interocular / NOSE_DEPTH);
  const mouth = points.mouthLeft && points.mouthRight ? upright(centroid([points.mouthLeft, points.mouthRight])) : undefined;
  const pitch =
    mouth && mouth.y > 0
      ? Math.atan((FRONTAL_NOSE_RATIO - nose.y / mouth.y) / NOSE_DEPTH)
      : // A turned face shows its eyes closer together: the drop is measured against their true distance.
        Math.atan((FRONTAL_NOSE_DROP - (nose.y * Math.cos(yaw)) / interocular) / NOSE_DEPTH);
  return { yaw: degrees(yaw), pitch: degrees(pitch), roll: degrees(roll) };
}
