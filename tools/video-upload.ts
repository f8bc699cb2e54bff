// analyzeVideo as a GraphQL multipart request (the spec graphql-upload-minimal reads), for tests and
// the bench: the operation, the map, then the clip as `variables.video.upload`.
import fs from 'node:fs';
import path from 'node:path';

export function videoUploadForm(query: string, file: string, options: Record<string, unknown> = {}): FormData {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { video: { upload: null }, options } }));
  form.append('map', JSON.stringify({ 0: ['variables.video.upload'] }));
  form.append('0', new Blob([fs.readFileSync(file)]), path.basename(file));
  return form;
}
