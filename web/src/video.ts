// The demo page's video part: upload a clip (analyzeVideo), a progress bar fed by the job's
// subscription (graphql-ws on /graphql), then the clip playing with each tracked face's box, track id
// and 68 points drawn on the frame the browser shows (requestVideoFrameCallback, and on every seek),
// in its person's colour, and a strip of the people: a click seeks to a person's first face.
import { createClient } from 'graphql-ws';
import { DemoAnalyzeVideoDocument, DemoVideoProgressDocument, DemoVideoTracksDocument, type DemoVideoTracksQuery } from '../gql/graphql';
import { ApiError, request } from './api';
import { byId, html, svg } from './dom';
import { drawingUnit, faceMarks } from './draw';

type Job = NonNullable<DemoVideoTracksQuery['videoJob']>;
type TrackedFace = Job['tracks'][number]['faces'][number];
type Person = Job['people'][number];

const section = byId<HTMLElement>('video');
const title = byId<HTMLHeadingElement>('video-title');
const progress = byId<HTMLProgressElement>('video-progress');
const status = byId<HTMLParagraphElement>('video-status');
const player = byId<HTMLVideoElement>('video-player');
const overlay = byId<SVGSVGElement>('video-overlay');
const peopleStrip = byId<HTMLOListElement>('video-people');

let current: { url: string; job: Job } | undefined;

/** Uploads the clip, follows its job to the end and shows the result; errors go to the status line. */
export async function analyseVideo(file: File, apiKey: string): Promise<void> {
  if (current) URL.revokeObjectURL(current.url);
  current = undefined;
  player.removeAttribute('src');
  overlay.replaceChildren();
  peopleStrip.replaceChildren();
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
    const people = videoJob.people.length;
    status.textContent = [
      `${videoJob.tracks.length} track${videoJob.tracks.length === 1 ? '' : 's'} of ${people} ${people === 1 ? 'person' : 'people'}, ${faces} faces in ${videoJob.framesAnalysed} frames.`,
      ...errors,
    ].join(' ');
    peopleStrip.replaceChildren(...videoJob.people.map(personCard));
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
 * The faces of the analysed frame shown at `time` (the player's currentTime, the timeline the faces'
 * times are on): the last analysed frame with faces up to it, if it is that recent (a player shows a
 * frame from its time on; the millisecond absorbs rounding in the times the player reports). Before
 * the first frame's time a player shows the first frame. Only that frame's faces: a track that ended
 * on the frame before a cut is not drawn over the next shot.
 */
function facesAt(job: Job, playerTime: number): Array<{ track: string; person: string; face: TrackedFace }> {
  const frameTime = 1 / (job.video?.frameRate || 30);
  const time = Math.max(playerTime, job.video?.startTime ?? 0) + 0.001;
  let shown: TrackedFace | undefined;
  for (const track of job.tracks) {
    // A track's faces are in frame order: stop at the first one past this moment.
    for (const face of track.faces) {
      if (face.time > time) break;
      if (!shown || face.frame > shown.frame) shown = face;
    }
  }
  if (!shown || time - shown.time >= 1.5 * frameTime) return [];
  const frame = shown.frame;
  return job.tracks.flatMap((track) => {
    const face = track.faces.find((f) => f.frame === frame);
    return face ? [{ track: track.id, person: track.person.id, face }] : [];
  });
}

function drawAt(time: number): void {
  if (!current) return;
  const { job } = current;
  const unit = drawingUnit(job.video?.width ?? 1, job.video?.height ?? 1);
  const groups = facesAt(job, time).map(({ track, person, face }) => {
    const group = faceMarks(
      { class: 'tracked-face', 'data-track': track, 'data-person': person, 'data-frame': face.frame, style: `--person-colour: ${personColour(person)}` },
      face.rectangle,
      face.landmarks,
      'ibug68',
      unit,
    );
    const label = svg('text', { class: 'track-id', x: face.rectangle.x, y: face.rectangle.y - unit * 2, 'font-size': unit * 10, 'stroke-width': unit });
    label.textContent = `#${track}`;
    group.append(label);
    return group;
  });
  overlay.replaceChildren(...groups);
  overlay.dataset.time = String(time);
}

/** A person's colour: hues spread by the golden angle, so neighbouring ids differ clearly. */
const personColour = (id: string) => `hsl(${Math.round((Number(id) * 137.5) % 360)} 80% 45%)`;

/** A person in the strip: their thumbnail and the time they appear; a click shows their first face. */
function personCard(person: Person): HTMLLIElement {
  const item = html('li');
  const button = html('button', { type: 'button', 'data-person': person.id, style: `--person-colour: ${personColour(person.id)}` });
  const picture = person.thumbnail ? html('img', { src: person.thumbnail.dataUrl, alt: `Person ${person.id}` }) : html('span', { class: 'no-thumbnail' });
  const span = `${person.firstTime.toFixed(1)}–${person.lastTime.toFixed(1)} s`;
  button.append(picture, html('span', {}, `Person ${person.id}`), html('span', { class: 'person-time' }, span));
  button.title = `${person.tracks.length} track${person.tracks.length === 1 ? '' : 's'}, ${person.frameCount} frames`;
  button.addEventListener('click', () => {
    player.pause();
    player.currentTime = person.firstTime;
  });
  item.append(button);
  return item;
}

// In step with the frames while it plays; at once after a seek or a pause.
const onFrame = (_now: number, metadata: { mediaTime: number }) => {
  drawAt(metadata.mediaTime);
  player.requestVideoFrameCallback(onFrame);
};
player.requestVideoFrameCallback(onFrame);
player.addEventListener('seeked', () => drawAt(player.currentTime));
