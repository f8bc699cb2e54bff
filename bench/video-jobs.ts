// Video jobs through the service's GraphQL API, for the bench: a clip uploaded as a multipart request,
// then the job followed to its end, by its subscription or asked for every 100 ms.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
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

/**
 * The job's `fields` (status and progress always) once it has ended, learnt from its subscription as a
 * client would: it costs the service nothing between events and tells the end at once (asking every
 * 100 ms took 3-10 % of a 640x360 job's time and told the end up to 100 ms late).
 */
export async function jobEnded<J extends { status: string; progress: number }>(url: string, id: string, fields: string): Promise<J> {
  const client = createClient({ url: url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: AUTHORIZATION, retryAttempts: 0 });
  try {
    await new Promise<void>((resolve, reject) => {
      const stop = client.subscribe<{ videoJob: { status: string } }>(
        { query: `subscription { videoJob(id: "${id}") { status } }` },
        {
          next: ({ data }) => {
            if (!data || data.videoJob.status === 'QUEUED' || data.videoJob.status === 'RUNNING') return;
            stop();
            resolve();
          },
          error: reject,
          complete: resolve,
        },
      );
    });
  } finally {
    await client.dispose();
  }
  return (await graphql(url, JSON.stringify({ query: `{ videoJob(id: "${id}") { status progress ${fields} } }` }))).videoJob as J;
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
