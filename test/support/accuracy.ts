import { iou, type Point } from '../../src/geometry/geometry';
import { landmarkErrors } from '../../src/geometry/landmark-error';
import { groundTruth, readBase64 } from './datasets';
import type { TestServer } from './server';

const QUERY = /* GraphQL */ `
  mutation Accuracy($image: ImageInput!) {
    detectLandmarks(image: $image) {
      faces {
        rectangle {
          x
          y
          width
          height
        }
        points: landmarks(scheme: IBUG_68) {
          point {
            x
            y
          }
        }
        eyes {
          leftOpenness
          rightOpenness
        }
        mouth {
          openness
        }
      }
      userErrors {
        code
      }
    }
  }
`;

export interface Accuracy {
  annotated: number;
  /** Files with an annotated face that no detected face overlaps by IoU >= 0.3. */
  missed: string[];
  /** Mean NME in % of the eye-centre distance. */
  five: number;
  all68: number;
  inner51: number;
  /** Each annotated face that was found: the people's 68 points, and the face the API answered. */
  matches: Array<{ truth: Point[]; face: AccuracyFace }>;
}

export interface AccuracyFace {
  rectangle: { x: number; y: number; width: number; height: number };
  points: Array<{ point: Point }>;
  eyes: { leftOpenness: number; rightOpenness: number };
  mouth: { openness: number };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Recall and landmark error of the server's default engine on an annotated set, through GraphQL over HTTP. */
export async function measureAccuracy(server: TestServer, set: 'helen-dev' | 'helen-small' | 'dlib-faces'): Promise<Accuracy> {
  let annotated = 0;
  const missed: string[] = [];
  const errors: Array<ReturnType<typeof landmarkErrors>> = [];
  const matches: Accuracy['matches'] = [];
  for (const image of groundTruth(set)) {
    const { body } = await server.graphql(QUERY, { image: { base64: readBase64(set, image.file) } });
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    const faces: AccuracyFace[] = body.data.detectLandmarks.faces;
    for (const truth of image.faces) {
      annotated++;
      const match = faces.map((f) => ({ f, overlap: iou(f.rectangle, truth.box) })).sort((a, b) => b.overlap - a.overlap)[0];
      if (!match || match.overlap < 0.3) {
        missed.push(image.file);
        continue;
      }
      const points = truth.landmarks68.map(([x, y]) => ({ x, y }));
      errors.push(
        landmarkErrors(
          points,
          match.f.points.map((l) => l.point),
        ),
      );
      matches.push({ truth: points, face: match.f });
    }
  }
  const result = {
    annotated,
    missed,
    five: mean(errors.map((e) => e.five)),
    all68: mean(errors.map((e) => e.all68)),
    inner51: mean(errors.map((e) => e.inner51)),
    matches,
  };
  console.log(
    `${set}: recall ${annotated - missed.length}/${annotated}, 5-pt NME ${result.five.toFixed(2)}%, 68-pt ${result.all68.toFixed(2)}%, 51-pt (no jaw) ${result.inner51.toFixed(2)}%`,
  );
  return result;
}
