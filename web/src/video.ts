// The demo page's video part: upload a clip (analyzeVideo), a progress bar fed by the job's
// subscription (graphql-ws on /graphql), then the clip playing with each tracked face's box, track id
// and 68 points drawn on the frame the browser shows (requestVideoFrameCallback, and on every seek).
import { createClient } from 'graphql-ws';
import { DemoAnalyzeVideoDocument, DemoVideoProgressDocument, DemoVideoTracksDocument, type DemoVideoTracksQuery } from '../gql/graphql';
import { ApiError, request } from './api';
import { byId, svg } from './dom';
import { drawingUnit, faceMarks } from './draw';

type Job = NonNullable<DemoVideoTracksQuery['videoJob']>;
type TrackedFace = Job['tracks'][number]['faces'][number];

const section = byId<HTMLElement>('video');
const title = byId<HTMLHeadingElement>('video-title');
const progress = byId<HTMLProgressElement>('video-progress');
const status = byId<HTMLParagraphElement>('video-status');
const player = byId<HTMLVideoElement>('video-player');
const overlay = byId<SVGSVGElement>('video-overlay');

let current: { url: string; job: Job } | undefined;

/** Uploads the clip, follows its job to the end and shows the result; errors go to the status line. */
export async function analyseVideo(file: File, apiKey: string): Promise<void> {
  if (current) URL.revokeObjectURL(current.url);
  current = undefined;
  player.removeAttribute('src');
  overlay.replaceChildren();
  section.hidden = false;
  section.dataset.state = 'uploading';
  section.dataset.events = '0';
  title.textContent = file.name;
  progress.value = 0;
  status.className = '';
  status.textContent = 'Uploading…';
  try {
    const { analyzeVideo } = await request(DemoAnalyzeVideoDocument, { video: { upload: null } }, [{ path: 'video.upload', file }], apiKey);
    if (!analyzeVideo.job) throw new ApiError(analyzeVideo.userErrors.map((e) => `${e.code}: ${e.message}`).join('; '));
    section.dataset.state = 'running';
    await follow(analyzeVideo.job.id, apiKey);
    const { videoJob } = await request(DemoVideoTracksDocument, { id: analyzeVideo.job.id }, [], apiKey);
    if (!videoJob) throw new ApiError('The job is gone (its results expire).');
    const errors = videoJob.userErrors.map((e) => `${e.code}: ${e.message}`);
    if (videoJob.status !== 'SUCCEEDED') throw new ApiError(errors.join('; ') || `The job ended ${videoJob.status}.`);
    current = { url: URL.createObjectURL(file), job: videoJob };
    overlay.setAttribute('viewBox', `0 0 ${videoJob.video?.width ?? 1} ${videoJob.video?.height ?? 1}`);
    player.src = current.url;
    const faces = videoJob.tracks.reduce((n, t) => n + t.frameCount, 0);
    status.textContent = [
      `${videoJob.tracks.length} track${videoJob.tracks.length === 1 ? '' : 's'}, ${faces} faces in ${videoJob.framesAnalysed} frames.`,
      ...errors,
    ].join(' ');
    section.dataset.state = 'done';
    drawAt(0);
  } catch (error) {
    status.className = 'error';
    status.textContent = (error as Error).message;
    section.dataset.state = 'failed';
  }
}

/** The job's subscription until it ends: each event moves the progress bar. */
function follow(id: string, apiKey: string): Promise<void> {
  const client = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    retryAttempts: 0,
  });
  return new Promise<void>((resolve, reject) => {
    client.subscribe<{ videoJob: { status: string; progress: number; framesAnalysed: number } }>(
      { query: DemoVideoProgressDocument.toString(), variables: { id } },
      {
        next: ({ data, errors }) => {
          if (errors?.length) return reject(new ApiError(errors.map((e) => e.message).join('; ')));
          if (!data) return;
          section.dataset.events = String(Number(section.dataset.events) + 1);
          progress.value = data.videoJob.progress;
          status.textContent = `${data.videoJob.status.toLowerCase()}: ${data.videoJob.framesAnalysed} frames analysed (${Math.round(data.videoJob.progress * 100)} %)`;
        },
        error: (error) => reject(new ApiError(error instanceof Error ? error.message : 'The progress connection failed.')),
        complete: () => resolve(),
      },
    );
  }).finally(() => void client.dispose());
}

/**
 * Each track's face in the frame shown at `time` (the player's currentTime, the timeline the faces' times
 * are on): the last analysed one up to it, if it is that recent. Before the first frame's time a player
 * shows the first frame.
 */
function facesAt(job: Job, playerTime: number): Array<{ track: string; face: TrackedFace }> {
  const frameTime = 1 / (job.video?.frameRate || 30);
  const time = Math.max(playerTime, job.video?.startTime ?? 0);
  return job.tracks.flatMap((track) => {
    let found: TrackedFace | undefined;
    // A track's faces are in frame order: stop at the first one past this moment (a player shows a
    // frame from its time on; the millisecond absorbs rounding in the times the player reports).
    for (const face of track.faces) {
      if (face.time > time + 0.001) break;
      found = face;
    }
    return found && time - found.time < 1.5 * frameTime ? [{ track: track.id, face: found }] : [];
  });
}

function drawAt(time: number): void {
  if (!current) return;
  const { job } = current;
  const unit = drawingUnit(job.video?.width ?? 1, job.video?.height ?? 1);
  const groups = facesAt(job, time).map(({ track, face }) => {
    const group = faceMarks({ class: 'tracked-face', 'data-track': track, 'data-frame': face.frame }, face.rectangle, face.landmarks, 'ibug68', unit);
    const label = svg('text', { class: 'track-id', x: face.rectangle.x, y: face.rectangle.y - unit * 2, 'font-size': unit * 10, 'stroke-width': unit });
    label.textContent = `#${track}`;
    group.append(label);
    return group;
  });
  overlay.replaceChildren(...groups);
  overlay.dataset.time = String(time);
}

// In step with the frames while it plays; at once after a seek or a pause.
const onFrame = (_now: number, metadata: { mediaTime: number }) => {
  drawAt(metadata.mediaTime);
  player.requestVideoFrameCallback(onFrame);
};
player.requestVideoFrameCallback(onFrame);
player.addEventListener('seeked', () => drawAt(player.currentTime));
