// The demo page: pick or drop photos, one request for them all (a batch when there are several),
// each drawn with its faces, and redrawn from the last answers when the point scheme or axes change.
// A video goes to its own part (video.ts); photos dropped on the "Average" part, to that (average.ts).
import { DemoDetectBatchDocument, DemoDetectDocument, type DemoPayloadFragment } from '../gql/graphql';
import { request } from './api';
import { byId } from './dom';
import { drawResult, type Scheme } from './draw';
import { analyseVideo } from './video';
import { setUpAverage } from './average';

const filesInput = byId<HTMLInputElement>('files');
const videoInput = byId<HTMLInputElement>('video-file');
const schemeSelect = byId<HTMLSelectElement>('scheme');
const axesBox = byId<HTMLInputElement>('axes');
const keyInput = byId<HTMLInputElement>('key');
const drop = byId<HTMLDivElement>('drop');
const status = byId<HTMLParagraphElement>('status');
const results = byId<HTMLElement>('results');

let shown: Array<{ file: File; url: string; payload: DemoPayloadFragment }> = [];
keyInput.value = localStorage.getItem('facemark-api-key') ?? '';
keyInput.addEventListener('change', () => localStorage.setItem('facemark-api-key', keyInput.value));

function render(): void {
  results.replaceChildren(...shown.map(({ file, url, payload }) => drawResult(file.name, url, payload, schemeSelect.value as Scheme, axesBox.checked)));
}

async function analyse(files: File[]): Promise<void> {
  if (files.length === 0) return;
  shown.forEach(({ url }) => URL.revokeObjectURL(url));
  shown = [];
  results.replaceChildren();
  drop.dataset.state = 'busy';
  status.className = '';
  status.textContent = `Analysing ${files.length} photo${files.length === 1 ? '' : 's'}…`;
  try {
    const payloads =
      files.length === 1
        ? [(await request(DemoDetectDocument, { image: { upload: null } }, [{ path: 'image.upload', file: files[0] as File }], keyInput.value)).detectLandmarks]
        : (
            await request(
              DemoDetectBatchDocument,
              { images: files.map(() => ({ upload: null })) },
              files.map((file, i) => ({ path: `images.${i}.upload`, file })),
              keyInput.value,
            )
          ).detectLandmarksBatch;
    shown = files.map((file, i) => ({ file, url: URL.createObjectURL(file), payload: payloads[i] as DemoPayloadFragment }));
    render();
    const faces = payloads.reduce((n, p) => n + (p.faces?.length ?? 0), 0);
    status.textContent = `${faces} face${faces === 1 ? '' : 's'} in ${files.length} photo${files.length === 1 ? '' : 's'}.`;
  } catch (error) {
    status.className = 'error';
    status.textContent = (error as Error).message;
  } finally {
    drop.dataset.state = 'done';
  }
}

setUpAverage(() => keyInput.value);
filesInput.addEventListener('change', () => void analyse([...(filesInput.files ?? [])]));
videoInput.addEventListener('change', () => {
  const [file] = videoInput.files ?? [];
  if (file) void analyseVideo(file, keyInput.value);
});
schemeSelect.addEventListener('change', render);
axesBox.addEventListener('change', render);
document.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
document.addEventListener('dragleave', () => drop.classList.remove('over'));
document.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const dropped = [...(event.dataTransfer?.files ?? [])];
  // A video goes to the video part (one at a time); photos to the photo part.
  const video = dropped.find((f) => f.type.startsWith('video/'));
  if (video) void analyseVideo(video, keyInput.value);
  void analyse(dropped.filter((f) => f.type.startsWith('image/') || f.type === ''));
});
