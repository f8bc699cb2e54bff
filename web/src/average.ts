// The page's "Average" part: photos picked or dropped there give the average of their largest faces
// (averageFaces); with two or more, a slider morphs from the first face to the second (morphFaces),
// asked again when the slider is let go.
import { DemoAverageDocument, DemoMorphDocument, type DemoComposedFragment } from '../gql/graphql';
import { request } from './api';
import { byId } from './dom';

const part = byId<HTMLElement>('average');
const input = byId<HTMLInputElement>('average-files');
const zone = byId<HTMLDivElement>('average-drop');
const status = byId<HTMLParagraphElement>('average-status');
const averageImage = byId<HTMLImageElement>('average-image');
const morphPart = byId<HTMLElement>('morph');
const slider = byId<HTMLInputElement>('morph-amount');
const sliderValue = byId<HTMLOutputElement>('morph-value');
const morphImage = byId<HTMLImageElement>('morph-image');

let photos: File[] = [];
let apiKey = () => '';
// The average and the morph asked last: answers to earlier photos or slider positions are dropped.
let averageAsked = 0;
let morphAsked = 0;

/** Wires the part up; `key` reads the API key typed in the page's controls. */
export function setUpAverage(key: () => string): void {
  apiKey = key;
  input.addEventListener('change', () => void average([...(input.files ?? [])]));
  zone.addEventListener('dragover', (event) => event.preventDefault());
  zone.addEventListener('drop', (event) => {
    // The page's own drop handler would analyse these as photos too.
    event.preventDefault();
    event.stopPropagation();
    void average([...(event.dataTransfer?.files ?? [])].filter((f) => f.type.startsWith('image/') || f.type === ''));
  });
  slider.addEventListener('input', () => (sliderValue.value = Number(slider.value).toFixed(2)));
  slider.addEventListener('change', () => void morph());
}

/** "photo 2 (dogs.jpg): No face was found…" for each user error, by the input its field names. */
function describeErrors(payload: DemoComposedFragment, names: string[]): string {
  return payload.userErrors
    .map((e) => {
      const index = e.field?.[0] === 'images' ? Number(e.field[1]) : e.field?.[0] === 'from' ? 0 : e.field?.[0] === 'to' ? 1 : undefined;
      return index === undefined ? `${e.code}: ${e.message}` : `${names[index]}: ${e.code}: ${e.message}`;
    })
    .join(' ');
}

async function average(files: File[]): Promise<void> {
  if (files.length === 0) return;
  const asked = ++averageAsked;
  photos = files;
  part.dataset.state = 'busy';
  status.className = '';
  status.textContent = `Averaging ${files.length} face${files.length === 1 ? '' : 's'}…`;
  const names = files.map((f) => f.name);
  try {
    const { averageFaces } = await request(
      DemoAverageDocument,
      { images: files.map(() => ({ upload: null })) },
      files.map((file, i) => ({ path: `images.${i}.upload`, file })),
      apiKey(),
    );
    if (asked !== averageAsked) return;
    if (!averageFaces.face) throw new Error(describeErrors(averageFaces, names));
    const count = averageFaces.face.sources.length;
    averageImage.src = averageFaces.face.image.dataUrl;
    averageImage.hidden = false;
    status.textContent = `The average of ${count} face${count === 1 ? '' : 's'}.`;
    morphPart.hidden = files.length < 2;
    if (files.length >= 2) await morph();
  } catch (error) {
    if (asked !== averageAsked) return;
    averageImage.hidden = true;
    morphPart.hidden = true;
    status.className = 'error';
    status.textContent = (error as Error).message;
  } finally {
    if (asked === averageAsked) part.dataset.state = 'done';
  }
}

async function morph(): Promise<void> {
  const [from, to] = photos;
  if (!from || !to) return;
  const asked = ++morphAsked;
  const amount = Number(slider.value);
  morphPart.dataset.state = 'busy';
  try {
    const { morphFaces } = await request(
      DemoMorphDocument,
      { from: { upload: null }, to: { upload: null }, amount },
      [
        { path: 'from.upload', file: from },
        { path: 'to.upload', file: to },
      ],
      apiKey(),
    );
    if (asked !== morphAsked) return;
    if (!morphFaces.face) throw new Error(describeErrors(morphFaces, [from.name, to.name]));
    morphImage.src = morphFaces.face.image.dataUrl;
    morphImage.alt = `${Math.round(amount * 100)} % of the way from ${from.name} to ${to.name}`;
    morphPart.dataset.amount = String(amount);
    morphPart.dataset.state = 'done';
  } catch (error) {
    if (asked !== morphAsked) return;
    status.className = 'error';
    status.textContent = (error as Error).message;
    morphPart.dataset.state = 'done';
  }
}
