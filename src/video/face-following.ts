// Where to cut the mesh crop of a face followed into the next frame, and where its box goes there:
// geometry only, from the meshes of the frames before.
import type { Box, Point } from '../geometry/geometry';
import type { FaceSeed } from '../providers/embedded/engine-protocol';
import { MESH_POINTS, seedFromMesh, type MeshPoint } from '../providers/embedded/mediapipe/face-mesh';

// The engine cuts 1.5x a seed's box, so the crop is 1.425x the mesh's extent. Measured when tuning, on
// helen-dev (80 faces re-meshed from their own meshes, 68-point NME): 5.01 % at 1.425x and at 1.35x,
// 5.12 % at 1.5x (MediaPipe's), 5.13 % at 1.275x, 5.04 % from the detector; on 20 of them moving as in
// test/video-accuracy.test.ts, followed with the constant-speed step: 4.96 % at 1.425x, 5.08 % at 1.35x,
// 5.01 % detected afresh in every frame.
const FOLLOW_EXTENT = 0.95;

/**
 * The seed for the face's next mesh: its last mesh's extent and pupils, moved on by the change since
 * the mesh before it (position, size and turn at constant speed), so a moving face stays centred.
 */
export function followingSeed(last: readonly MeshPoint[], before?: readonly MeshPoint[]): FaceSeed {
  const seed = scaledSeed(seedFromMesh(last), FOLLOW_EXTENT);
  if (!before) return seed;
  const prior = scaledSeed(seedFromMesh(before), FOLLOW_EXTENT);
  const ahead = (now: Point, then: Point) => ({ x: 2 * now.x - then.x, y: 2 * now.y - then.y });
  const growth = seed.box.width / prior.box.width;
  const centre = ahead(centreOf(seed.box), centreOf(prior.box));
  const [width, height] = [seed.box.width * growth, seed.box.height * growth];
  return {
    box: { x: centre.x - width / 2, y: centre.y - height / 2, width, height },
    leftEye: ahead(seed.leftEye, prior.leftEye),
    rightEye: ahead(seed.rightEye, prior.rightEye),
  };
}

/**
 * Where a box sits on a mesh, in units of the mesh's spread about its centre (the surface points' mean
 * and root-mean-square distance from it: steadier from frame to frame than the extreme points).
 */
export function boxOnMesh(box: Box, mesh: readonly MeshPoint[]): Box {
  const { centre, spread } = meshSpread(mesh);
  return { x: (box.x - centre.x) / spread, y: (box.y - centre.y) / spread, width: box.width / spread, height: box.height / spread };
}

/** The box that sits on this mesh as `onMesh` says (the inverse of boxOnMesh). */
export function boxFromMesh(onMesh: Box, mesh: readonly MeshPoint[]): Box {
  const { centre, spread } = meshSpread(mesh);
  return { x: centre.x + onMesh.x * spread, y: centre.y + onMesh.y * spread, width: onMesh.width * spread, height: onMesh.height * spread };
}

function meshSpread(mesh: readonly MeshPoint[]): { centre: Point; spread: number } {
  const surface = mesh.slice(0, MESH_POINTS);
  const centre = { x: surface.reduce((s, p) => s + p.x, 0) / surface.length, y: surface.reduce((s, p) => s + p.y, 0) / surface.length };
  const spread = Math.sqrt(surface.reduce((s, p) => s + (p.x - centre.x) ** 2 + (p.y - centre.y) ** 2, 0) / surface.length);
  return { centre, spread };
}

const centreOf = (b: Box): Point => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

function scaledSeed(seed: FaceSeed, factor: number): FaceSeed {
  const { box } = seed;
  const [width, height] = [box.width * factor, box.height * factor];
  return { ...seed, box: { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height } };
}
