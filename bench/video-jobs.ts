// Video jobs through the service's GraphQL API, for the bench: a clip uploaded as a multipart request,
// then the job asked for every 100 ms until it has ended.
import { videoUploadForm } from '../tools/video-upload';
import { AUTHORIZATION } from './service-process';

async function graphql(url: string, body: string | FormData, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { ...AUTHORIZATION, ...headers }, body });
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

/** analyzeVideo with `file` uploaded; the job's id. */
export async function submitVideo(url: string, file: string, options: Record<string, unknown> = {}): Promise<string> {
  const query =
    'mutation($video: VideoInput!, $options: VideoOptions) { analyzeVideo(video: $video, options: $options) { job { id } userErrors { code message } } }';
  const form = videoUploadForm(query, file, options);
  const payload = (await graphql(url, form, { 'apollo-require-preflight': 'true' })).analyzeVideo as { job: { id: string } | null; userErrors: unknown[] };
  if (!payload.job) throw new Error(`analyzeVideo refused the clip: ${JSON.stringify(payload.userErrors)}`);
  return payload.job.id;
}

/** The job's `fields` (status and progress always) once it has ended; `onPoll` sees it each time it is asked. */
export async function jobWhenEnded<J extends { status: string; progress: number }>(
  url: string,
  id: string,
  fields: string,
  onPoll?: (job: J) => void,
): Promise<J> {
  for (;;) {
    const job = (await graphql(url, JSON.stringify({ query: `{ videoJob(id: "${id}") { status progress ${fields} } }` }))).videoJob as J;
    onPoll?.(job);
    if (job.status !== 'QUEUED' && job.status !== 'RUNNING') return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
