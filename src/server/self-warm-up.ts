// Requests a fresh server sends itself before it calls itself ready. The engine's warm-up compiles
// the detection path; these compile the code in front of it that clients reach first: Express, the
// body parser, Apollo's pipeline, the resolvers and loaders, the answer's serialisation. A fresh
// service's first request took 37-49 ms without them and 28-35 ms with them (one-off, five starts of
// each, alternately).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { request } from 'undici';

/** What the warm-up asks: a detection on the embedded engine (never a paid upstream), with the fields most clients select. */
const WARM_UP_QUERY = `mutation WarmUp($image: ImageInput!) {
  detectLandmarks(image: $image, options: { provider: EMBEDDED }) {
    faces { rectangle { x y width height } confidence quality landmarksConfidence landmarks { type index point { x y } } }
    userErrors { code message }
  }
}`;

export interface WarmUpOutcome {
  /** Requests answered with faces or user errors. */
  answered: number;
  /** Why it stopped before `requests`: the first answer that was not a 200 with data. */
  stoppedBy?: string;
}

/**
 * Serves `graphql` (the middleware behind the access checks) at /graphql on a private loopback
 * port, sends it `requests` detections of the photos in turn, one at a time, then closes the port.
 * Stops at the first failed answer: a path clients will not take is not worth warming.
 */
export async function warmUpOverLoopback(
  graphql: Array<RequestHandler | ErrorRequestHandler>,
  photos: readonly Buffer[],
  requests: number,
): Promise<WarmUpOutcome> {
  if (requests === 0 || photos.length === 0) return { answered: 0 };
  const app = express();
  app.use('/graphql', ...graphql);
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const bodies = photos.map((photo) => JSON.stringify({ query: WARM_UP_QUERY, variables: { image: { base64: photo.toString('base64') } } }));
  try {
    for (let answered = 0; answered < requests; answered++) {
      const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[answered % bodies.length] });
      const body = (await response.body.json()) as { data?: unknown; errors?: Array<{ message?: string }> };
      if (response.statusCode !== 200 || !body.data || body.errors) {
        return { answered, stoppedBy: `HTTP ${response.statusCode}: ${body.errors?.[0]?.message ?? 'no data'}` };
      }
    }
    return { answered: requests };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
