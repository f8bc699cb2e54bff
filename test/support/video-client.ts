// A GraphQL client of the video API for tests: analyzeVideo with the clip uploaded as a multipart
// request, videoJob until it has ended; and the clips tests make of a real photo.
import { execFileSync } from 'node:child_process';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { dataset } from './datasets';
import { videoUploadForm } from '../../tools/video-upload';
import type { GraphQLBody } from './server';
import { waitFor } from './service-process';

export const JOB_FIELDS = /* GraphQL */ `
  id
  status
  progress
  framesAnalysed
  video {
    width
    height
    durationSeconds
    frameRate
    frameCount
    codec
    rotation
    startTime
  }
  userErrors {
    code
    message
  }
  people {
    id
    frameCount
    firstTime
    lastTime
    tracks {
      id
    }
  }
  tracks {
    id
    firstFrame
    lastFrame
    frameCount
    person {
      id
    }
    faces {
      frame
      time
      confidence
      rectangle {
        x
        y
        width
        height
      }
      landmarks {
        type
        point {
          x
          y
        }
      }
      ibug: landmarks(scheme: IBUG_68) {
        index
        point {
          x
          y
        }
      }
      mesh: landmarks(scheme: MEDIAPIPE_478) {
        index
      }
      pose {
        yaw
        roll
      }
    }
  }
`;
export const ANALYZE = `mutation Analyze($video: VideoInput!, $options: VideoOptions) { analyzeVideo(video: $video, options: $options) { job { ${JOB_FIELDS} } userErrors { code message field } } }`;
export const JOB = `query Job($id: ID!) { videoJob(id: $id) { ${JOB_FIELDS} } }`;
export const CANCEL = `mutation Cancel($id: ID!) { cancelVideoJob(id: $id) { id status } }`;

export const X264 = ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'];

/**
 * happy.jpg (500x282, one face) as a clip of `seconds` at 10 frames a second, through the ffmpeg
 * filter `filter`, encoded by `encoder`, written to `out` by the npm package's ffmpeg: a clip made by
 * known operations, so its faces' places are known.
 */
export function photoClip(out: string, seconds: number, filter: string, encoder = X264): void {
  const args = ['-loop', '1', '-framerate', '10', '-i', dataset('photos', 'happy.jpg'), '-t', String(seconds), '-vf', filter, ...encoder, out];
  execFileSync(ffmpeg.path, ['-v', 'error', '-y', ...args]);
}

/** The API at `url` (http://host:port), as the client with `defaultKey`. */
export function videoClient(url: string, defaultKey: string) {
  async function post(body: string | FormData, key: string, headers: Record<string, string> = {}): Promise<GraphQLBody> {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...headers }, body });
    return (await response.json()) as GraphQLBody;
  }
  const graphql = (query: string, variables: Record<string, unknown>, key = defaultKey) =>
    post(JSON.stringify({ query, variables }), key, { 'content-type': 'application/json' });

  /** analyzeVideo with the file uploaded as a GraphQL multipart request. */
  async function analyze(file: string, options: Record<string, unknown> = {}, key = defaultKey) {
    const form = videoUploadForm(ANALYZE, file, options);
    const body = await post(form, key, { 'apollo-require-preflight': 'true' });
    expect(body.errors).toBeUndefined();
    return body.data.analyzeVideo;
  }

  /** The job once it has ended. */
  const finished = (id: string, key = defaultKey, timeoutMs = 120_000) =>
    waitFor(
      async () => {
        // Null with an error while the server cannot answer for a moment (its Redis restarting): asked again.
        const job = (await graphql(JOB, { id }, key)).data?.videoJob;
        return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job?.status) ? job : undefined;
      },
      `job ${id} to end`,
      timeoutMs,
      100,
    );

  return { post, graphql, analyze, finished };
}
