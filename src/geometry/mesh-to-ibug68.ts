import { centroid, type Point } from './geometry';
import { at } from '../checked';

/**
 * The iBUG 300-W 68 points from MediaPipe's 468-point mesh: for each iBUG point, the mesh indices
 * to average (a published MediaPipe-to-dlib correspondence). The jaw points (0-16) follow the
 * mesh's face oval, which runs higher on the cheeks than the iBUG jaw line.
 */
export const MESH_TO_IBUG68: ReadonlyArray<readonly number[]> = [
  // jaw 0-16
  [127],
  [234],
  [93],
  [132, 58],
  [58, 172],
  [136],
  [150],
  [176],
  [152],
  [400],
  [379],
  [365],
  [397, 288],
  [361],
  [323],
  [454],
  [356],
  // brows 17-26
  [70],
  [63],
  [105],
  [66],
  [107],
  [336],
  [296],
  [334],
  [293],
  [300],
  // nose 27-35
  [168, 6],
  [197, 195],
  [5],
  [4],
  [75],
  [97],
  [2],
  [326],
  [305],
  // eyes 36-47
  [33],
  [160],
  [158],
  [133],
  [153],
  [144],
  [362],
  [385],
  [387],
  [263],
  [373],
  [380],
  // mouth 48-67
  [61],
  [39],
  [37],
  [0],
  [267],
  [269],
  [291],
  [321],
  [314],
  [17],
  [84],
  [91],
  [78],
  [82],
  [13],
  [312],
  [308],
  [317],
  [14],
  [87],
];

/** The 68 iBUG points of a mesh (at least 468 points, in MediaPipe's index order). */
export function ibug68FromMesh(mesh: readonly Point[]): Point[] {
  return MESH_TO_IBUG68.map((indexes) => centroid(indexes.map((i) => at(mesh, i))));
}
