import type { Point } from './geometry';
import type { Point3 } from './head-pose';
import { ibug68ByRegression, type Ibug68Regression } from './ibug68-regression';
import fitted from './ibug68-regression.json';

/**
 * The iBUG 300-W 68 points from MediaPipe's 478-point mesh, as people place them: each a regression
 * on its nearest mesh vertices, fitted on 790 human-annotated HELEN faces (tools/ibug68-fit). The jaw
 * points (0-16) follow the iBUG jaw line, which the mesh has no vertices for: they are estimated from
 * the cheek and chin vertices around it.
 */
export function ibug68FromMesh(mesh: readonly Point3[]): Point[] {
  return ibug68ByRegression(mesh, fitted as Ibug68Regression);
}
