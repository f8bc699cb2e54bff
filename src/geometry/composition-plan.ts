// What composing faces (an average, a morph) draws where: the faces' meshes aligned by generalised
// Procrustes, blended by weight, placed in the output picture; then the triangles each face's picture
// is warped through: the mesh's own over the face, and Delaunay triangles between the face's outline
// and points on the picture's border, so that the background follows each face too.
import type { Point } from './geometry';
import type { Point3 } from './head-pose';
import { IBUG68_RANGES } from './ibug68';
import { ibug68FromMesh } from './mesh-to-ibug68';
import { borderPoints, delaunayTriangles } from './piecewise-affine';
import meshTopology from './face-mesh-triangles.json';
import { blendShapes, placement, procrustesMean } from './procrustes';
import { applySimilarity, composeSimilarities, invertSimilarity, type Similarity } from './similarity';

/** The mesh's surface vertices (the iris points after them are left out of alignment and triangles). */
export const SURFACE_POINTS = 468;
/** Points on each side of the output's border: the background between them follows each face's similarity. */
export const BORDER_POINTS_PER_SIDE = 4;

/** MediaPipe's face mesh triangles (tools/mesh-triangles.ts): a disc over the 468 surface points, eyes and mouth closed. */
export const MESH_TRIANGLES = Uint32Array.from(meshTopology.triangles);
/** The mesh's outline: the points on edges only one triangle has. */
export const MESH_OUTLINE = outlineOf(MESH_TRIANGLES);

export interface CompositionPlan {
  width: number;
  height: number;
  /** The composed face's mesh (every point of the inputs' meshes) in output pixels. */
  mesh: Point3[];
  /** Triangle vertices in output pixels: the surface points of `mesh`, then the border points. */
  target: Point[];
  /**
   * Triangles over `target`: the mesh's, then Delaunay triangles over the mesh's outline and the border
   * points. The ring's triangles also span the face, but a pixel belongs to the first triangle holding
   * it (piecewise-affine.ts triangleMap), so only the face's surroundings use them.
   */
  triangles: Uint32Array;
  /** Per input, the same vertices in its upright image: its own surface points, then where the border points fall. */
  sources: Point[][];
  /**
   * The composed face's 68 points in output pixels: those of `mesh` (mesh-to-ibug68), each moved by the
   * inputs' own points' offsets from their meshes' (a refinement's), carried by each input's similarity
   * onto the output and blended by weight. At weight 1 an input's own points, under its similarity.
   */
  points68: Point[];
}

/**
 * The plan for composing faces given their meshes (upright-image pixels) and weights summing to 1
 * (1/n each for an average; 1 - t and t for a morph, outside 0..1 to extrapolate).
 */
export function planComposition(
  meshes: ReadonlyArray<readonly Point3[]>,
  weights: readonly number[],
  width: number,
  height: number,
  points68: ReadonlyArray<readonly Point[]> = meshes.map(ibug68FromMesh),
): CompositionPlan {
  if (meshes.length !== weights.length) throw new Error(`${meshes.length} meshes but ${weights.length} weights`);
  const { toMean } = procrustesMean(meshes.map((m) => m.slice(0, SURFACE_POINTS)));
  const blended = blendMeshes(
    meshes.map((m, i) => m.map((p) => moved(toMean[i]!, p))),
    weights,
  );
  const eyes = (range: readonly [number, number]) => Array.from({ length: range[1] - range[0] + 1 }, (_, k) => range[0] + k);
  const place = placement(ibug68FromMesh(blended), eyes(IBUG68_RANGES.leftEye), eyes(IBUG68_RANGES.rightEye), width, height);
  const mesh = blended.map((p) => moved(place, p));
  const border = borderPoints(width, height, BORDER_POINTS_PER_SIDE);
  const target = [...mesh.slice(0, SURFACE_POINTS).map(({ x, y }) => ({ x, y })), ...border];
  const toOutputs = meshes.map((_, i) => composeSimilarities(toMean[i]!, place));
  const sources = meshes.map((m, i) => {
    const fromOutput = invertSimilarity(toOutputs[i]!);
    return [...m.slice(0, SURFACE_POINTS).map(({ x, y }) => ({ x, y })), ...border.map((p) => applySimilarity(fromOutput, p))];
  });
  // Offsets carried by the similarity's linear part (a point minus a point: the shift cancels).
  const offsets = meshes.map((m, i) => {
    const { a } = toOutputs[i]!;
    const own = ibug68FromMesh(m);
    return points68[i]!.map((p, k) => {
      const d = { x: p.x - own[k]!.x, y: p.y - own[k]!.y };
      return { x: a.x * d.x - a.y * d.y, y: a.y * d.x + a.x * d.y };
    });
  });
  const blendedPoints = ibug68FromMesh(mesh).map((p, k) =>
    offsets.reduce((sum, offset, i) => ({ x: sum.x + weights[i]! * offset[k]!.x, y: sum.y + weights[i]! * offset[k]!.y }), p),
  );
  return { width, height, mesh, target, triangles: trianglesOver(target), sources, points68: blendedPoints };
}

/** The mesh's triangles, then the ring's: Delaunay over the outline and the border points (which follow the surface points in `target`). */
function trianglesOver(target: readonly Point[]): Uint32Array {
  const ring = [...MESH_OUTLINE, ...Array.from({ length: target.length - SURFACE_POINTS }, (_, k) => SURFACE_POINTS + k)];
  const delaunay = delaunayTriangles(ring.map((index) => target[index]!));
  const triangles = new Uint32Array(MESH_TRIANGLES.length + delaunay.length);
  triangles.set(MESH_TRIANGLES);
  triangles.set(
    delaunay.map((k) => ring[k]!),
    MESH_TRIANGLES.length,
  );
  return triangles;
}

function outlineOf(triangles: Uint32Array): number[] {
  const uses = new Map<string, number>();
  const edge = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`);
  for (let t = 0; t < triangles.length; t += 3)
    for (let k = 0; k < 3; k++) {
      const key = edge(triangles[t + k]!, triangles[t + ((k + 1) % 3)]!);
      uses.set(key, (uses.get(key) ?? 0) + 1);
    }
  const outline = new Set<number>();
  for (const [key, count] of uses) if (count === 1) for (const v of key.split(',')) outline.add(Number(v));
  return [...outline].sort((a, b) => a - b);
}

/** A mesh point under a similarity: depth scales with the plane. */
function moved(t: Similarity, p: Point3): Point3 {
  const { x, y } = applySimilarity(t, p);
  return { x, y, z: p.z * Math.hypot(t.a.x, t.a.y) };
}

function blendMeshes(meshes: ReadonlyArray<readonly Point3[]>, weights: readonly number[]): Point3[] {
  const plane = blendShapes(meshes, weights);
  return plane.map((p, k) => ({ ...p, z: meshes.reduce((s, m, i) => s + weights[i]! * m[k]!.z, 0) }));
}
