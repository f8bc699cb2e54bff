// Writes src/geometry/face-mesh-triangles.json, the triangles of MediaPipe's face mesh, from the
// canonical face model that MediaPipe publishes with its face geometry module
// (mediapipe/modules/face_geometry/data/canonical_face_model.obj, Apache-2.0): its vertex i is mesh
// point i. Run: npm run mesh-triangles -- <path of canonical_face_model.obj>
import fs from 'node:fs';
import path from 'node:path';

const source = process.argv[2];
if (!source) throw new Error('usage: npm run mesh-triangles -- <canonical_face_model.obj>');
const faces = fs
  .readFileSync(source, 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('f '))
  // "f v/vt v/vt v/vt", 1-based: the vertex index before each slash.
  .map((line) =>
    line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map((corner) => Number(corner.split('/')[0]) - 1),
  );
if (faces.some((f) => f.length !== 3 || f.some((v) => !Number.isInteger(v) || v < 0 || v >= 468)))
  throw new Error(`${source}: not a triangle mesh over 468 points`);
const out = path.join(__dirname, '../../src/geometry/face-mesh-triangles.json');
fs.writeFileSync(out, `${JSON.stringify({ source: 'MediaPipe canonical_face_model.obj (Apache-2.0), vertex i = mesh point i', triangles: faces.flat() })}\n`);
console.log(`wrote ${faces.length} triangles to ${path.relative(process.cwd(), out)}`);
