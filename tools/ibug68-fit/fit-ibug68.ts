// Fits the mesh -> iBUG 68 regression (src/geometry/ibug68-regression.json) on the HELEN training
// split as re-annotated for 300-W, leaving out helen-dev's faces (the judge):
//   npm run fit:ibug68 -- <folder of HELEN trainset .jpg + .pts>
// The folder used: helen/trainset of the public repository Spinkoo/Face-alignement at commit
// e08a16aa91ad771df34e75f70bc5aaf20238ff6a (about 870 faces; 80 of them are helen-dev's).
import { DEFAULT_MIN_FACE_SIZE } from '../../src/detection/detection-options';
import fs from 'node:fs';
import path from 'node:path';
import { iou, boundingBox, type Point } from '../../src/geometry/geometry';
import { meshFrame, toFrame, type Ibug68Regression } from '../../src/geometry/ibug68-regression';
import { checkImage } from '../../src/image/image-decoder';
import { EmbeddedProvider } from '../../src/providers/embedded/embedded.provider';
import { unpackMesh, type MeshPoint } from '../../src/providers/embedded/mediapipe/face-mesh';
import { ProviderName } from '../../src/config';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { helenDevNames, readPts } from '../annotations';

// Mesh vertices per iBUG point, and the ridge penalty per training face: a 5-fold cross-validation on
// helen-dev alone (engine-notes) gave 5.40 % 68-pt NME at K = 8, lambda = 1e-4, 5.41 % at 16 / 1e-3.
const NEAREST_VERTICES = 8;
const LAMBDA = 1e-4;
const OUTPUT = path.resolve(__dirname, '..', '..', '..', 'src', 'geometry', 'ibug68-regression.json');

interface Sample {
  mesh: MeshPoint[];
  truth: Point[];
}

async function collect(folder: string): Promise<Sample[]> {
  const judged = helenDevNames();
  const names = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.pts'))
    .map((f) => path.basename(f, '.pts'))
    .filter((name) => !judged.has(name))
    .sort();
  // One image per worker task: a mesh batch shared with another image rounds differently in the last bits.
  const provider = new EmbeddedProvider({ threads: 2, engine: 'mediapipe', imagesPerTask: 1 });
  await provider.start();
  // Indexed by file, so that the fit (sums in float) does not depend on which lane finished first.
  const found: Array<Sample | undefined> = new Array(names.length);
  let missed = 0;
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      for (let i = lane; i < names.length; i += 4) {
        const name = names[i]!;
        const truth = readPts(path.join(folder, `${name}.pts`));
        if (truth.length !== 68) throw new Error(`${name}.pts has ${truth.length} points`);
        const image = await checkImage({ bytes: fs.readFileSync(path.join(folder, `${name}.jpg`)), sha256: name }, { maxPixels: 40_000_000, maxSide: 1280 });
        const [faces] = await provider.detect([image], {
          minConfidence: 0,
          maxFaces: 100,
          minFaceSize: DEFAULT_MIN_FACE_SIZE,
          provider: ProviderName.EMBEDDED,
        });
        if (faces instanceof Error) throw faces;
        const box = boundingBox(truth);
        const match = faces.filter((f) => f.mesh && iou(f.box, box) >= 0.3).sort((a, b) => iou(b.box, box) - iou(a.box, box))[0];
        if (match?.mesh) found[i] = { mesh: unpackMesh(match.mesh), truth };
        else missed++;
      }
    }),
  );
  await provider.close();
  const samples = found.filter((sample): sample is Sample => sample !== undefined);
  console.log(`${names.length} training faces (helen-dev's ${judged.size} left out): ${samples.length} found, ${missed} missed`);
  return samples;
}

function fit(samples: Sample[]): Ibug68Regression {
  const framed = samples.map(({ mesh, truth }) => {
    const frame = meshFrame(mesh);
    return { mesh: mesh.map((p) => toFrame(frame, p)), truth: truth.map((p) => toFrame(frame, { ...p, z: 0 })) };
  });
  const vertexCount = framed[0]!.mesh.length;
  const mean = (pick: (s: (typeof framed)[number]) => { x: number; y: number }) => {
    const sum = framed.reduce((acc, s) => ({ x: acc.x + pick(s).x, y: acc.y + pick(s).y }), { x: 0, y: 0 });
    return { x: sum.x / framed.length, y: sum.y / framed.length };
  };
  const meanVertices = Array.from({ length: vertexCount }, (_, v) => mean((s) => s.mesh[v]!));
  const points = Array.from({ length: 68 }, (_, k) => {
    const target = mean((s) => s.truth[k]!);
    const vertices = meanVertices
      .map((p, v) => ({ v, d: Math.hypot(p.x - target.x, p.y - target.y) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, NEAREST_VERTICES)
      .map(({ v }) => v)
      .sort((a, b) => a - b);
    const features = framed.map((s) => [...vertices.flatMap((v) => [s.mesh[v]!.x, s.mesh[v]!.y, s.mesh[v]!.z]), 1]);
    const solve = (axis: 'x' | 'y') =>
      ridge(
        features,
        framed.map((s) => s.truth[k]![axis]),
        LAMBDA * framed.length,
      );
    return { vertices, x: solve('x'), y: solve('y') };
  });
  return { nearestVertices: NEAREST_VERTICES, lambda: LAMBDA, trainingFaces: samples.length, points };
}

/** Ridge regression (normal equations, Cholesky), the last feature (the constant) unpenalised; weights rounded for a readable table. */
function ridge(rows: number[][], targets: number[], penalty: number): number[] {
  const x = new Matrix(rows);
  const gram = x.transpose().mmul(x);
  for (let i = 0; i < gram.rows - 1; i++) gram.set(i, i, gram.get(i, i) + penalty);
  const cholesky = new CholeskyDecomposition(gram);
  if (!cholesky.isPositiveDefinite()) throw new Error('the normal equations are singular: too few training faces');
  const rhs = x.transpose().mmul(Matrix.columnVector(targets));
  return cholesky
    .solve(rhs)
    .to1DArray()
    .map((w) => Number(w.toPrecision(7)));
}

async function main(): Promise<void> {
  const folder = process.argv[2];
  if (!folder) throw new Error('usage: npm run fit:ibug68 -- <folder of HELEN trainset .jpg + .pts>');
  const regression = fit(await collect(folder));
  fs.writeFileSync(OUTPUT, `${JSON.stringify(regression)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
