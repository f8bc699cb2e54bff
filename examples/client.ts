// A typed client built from the generated documents: copy this setup into a frontend or backend.
// `npm run codegen:check` generates ./gql from schema.graphql and the .graphql operations, then type-checks this file.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { readFile, writeFile } from 'node:fs/promises';
import { AverageFacesDocument, DetectLandmarksDocument, ServiceInfoDocument } from './gql/graphql';
import type { ErrorCode } from './gql/graphql';

async function request<TResult, TVariables>(url: string, document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
  const response = await fetch(url, {
    method: 'POST',
    // A server with API keys wants one (FACEMARK_API_KEY here); an open server ignores it.
    headers: { 'content-type': 'application/json', ...(process.env.FACEMARK_API_KEY ? { authorization: `Bearer ${process.env.FACEMARK_API_KEY}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TResult; errors?: Array<{ message: string }> };
  if (!body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`);
  return body.data;
}

const retryable: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_RATE_LIMITED',
  'ENGINE_FAILURE',
  'SERVER_BUSY',
  'RATE_LIMITED',
  'URL_TIMEOUT',
]);

export async function main(url = 'http://localhost:4000/graphql', file = process.argv[2]): Promise<void> {
  const info = await request(url, ServiceInfoDocument, {});
  console.log(`facemark ${info.serviceInfo.version} on ${info.serviceInfo.provider}`);
  const base64 = (await readFile(file)).toString('base64');
  const { detectLandmarks } = await request(url, DetectLandmarksDocument, { image: { base64 }, options: { maxFaces: 10 } });
  for (const error of detectLandmarks.userErrors) {
    console.error(`${error.code}${retryable.has(error.code) ? ' (retry later)' : ''}: ${error.message}`);
  }
  for (const face of detectLandmarks.faces ?? []) {
    const eyes = (face.landmarks ?? []).filter((l) => l.type === 'LEFT_EYE' || l.type === 'RIGHT_EYE');
    console.log(`face at ${face.rectangle.x.toFixed(0)},${face.rectangle.y.toFixed(0)} confidence ${face.confidence.toFixed(2)} eyes ${JSON.stringify(eyes)}`);
  }
}

/** The average of the faces in `files` written to `out` as a PNG; a photo without a face is named by its index. */
export async function average(url: string, files: string[], out: string): Promise<void> {
  const images = await Promise.all(files.map(async (file) => ({ base64: (await readFile(file)).toString('base64') })));
  const { averageFaces } = await request(url, AverageFacesDocument, { images, options: { width: 512, height: 512 } });
  for (const error of averageFaces.userErrors) {
    const index = error.field?.[0] === 'images' ? Number(error.field[1]) : undefined;
    console.error(`${index === undefined ? '' : `${files[index]}: `}${error.code}: ${error.message}`);
  }
  if (!averageFaces.face) return;
  const { dataUrl, width, height } = averageFaces.face.image;
  await writeFile(out, Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64'));
  console.log(`${width}x${height} average of ${averageFaces.face.sources.length} faces in ${out}`);
}
