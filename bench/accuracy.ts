// `npm run accuracy`: recall and landmark error of both embedded engines on the annotated datasets,
// in one run (the README's accuracy table). Detection = IoU >= 0.3 with the annotated box.
import { DEFAULT_MIN_FACE_SIZE } from '../src/detection/detection-options';
import fs from 'node:fs';
import path from 'node:path';
import { iou, type Box } from '../src/geometry/geometry';
import { landmarkErrors } from '../src/geometry/landmark-error';
import { checkImage } from '../src/image/image-decoder';
import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import type { EmbeddedProviderOptions } from '../src/providers/embedded/embedded.provider';
import { ProviderName } from '../src/config';
import { sharedPath } from '../tools/shared-folder';
import { footageRecall, walkingFootage } from '../tools/walking-footage';

const DATASETS = sharedPath('datasets');
const YUNET = sharedPath('models', 'yunet', 'yunet_n_dynamic.onnx');
const ENGINES: Array<{ label: string } & Omit<EmbeddedProviderOptions, 'threads'>> = [
  { label: 'mediapipe (BlazeFace, default)', engine: 'mediapipe' },
  ...(fs.existsSync(YUNET)
    ? [{ label: 'mediapipe, FACE_DETECTOR=yunet (yunet_n)', engine: 'mediapipe' as const, detector: { name: 'yunet' as const, modelPath: YUNET } }]
    : []),
  { label: 'faceapi', engine: 'faceapi' },
];
const SETS = ['helen-dev', 'helen-small', 'dlib-faces'] as const;
const SETTINGS = { minConfidence: 0.3, maxFaces: 100, minFaceSize: DEFAULT_MIN_FACE_SIZE, provider: ProviderName.EMBEDDED };
const LIMITS = { maxPixels: 40_000_000, maxSide: 1280 };

interface Truth {
  file: string;
  faces: Array<{ box: Box; landmarks68: Array<[number, number]> }>;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  console.log('| engine | set | recall | 5-pt NME | 68-pt NME | 51-pt NME (no jaw) |');
  console.log('|---|---|---|---|---|---|');
  for (const { label, ...options } of ENGINES) {
    const provider = new EmbeddedProvider({ threads: 2, ...options });
    await provider.start();
    for (const set of SETS) {
      const images = (JSON.parse(fs.readFileSync(path.join(DATASETS, set, 'groundtruth.json'), 'utf8')) as { images: Truth[] }).images;
      let annotated = 0;
      const errors: Array<ReturnType<typeof landmarkErrors>> = [];
      for (const image of images) {
        const bytes = fs.readFileSync(path.join(DATASETS, set, image.file));
        const decoded = await checkImage({ bytes, sha256: image.file }, LIMITS);
        const [faces] = await provider.detect([decoded], SETTINGS);
        if (faces instanceof Error) throw faces;
        for (const truth of image.faces) {
          annotated++;
          const match = faces.map((f) => ({ f, overlap: iou(f.box, truth.box) })).sort((a, b) => b.overlap - a.overlap)[0];
          if (match && match.overlap >= 0.3)
            errors.push(
              landmarkErrors(
                truth.landmarks68.map(([x, y]) => ({ x, y })),
                match.f.points68!,
              ),
            );
        }
      }
      const pct = (k: keyof (typeof errors)[number]) => `${mean(errors.map((e) => e[k])).toFixed(2)} %`;
      console.log(`| ${label} | ${set} | ${errors.length}/${annotated} | ${pct('five')} | ${pct('all68')} | ${pct('inner51')} |`);
    }
    console.log(`| ${label} | walking.mp4, every 5th frame | ${await footageRecallOf(provider)} | | | |`);
    const dogs = await provider.detect(
      [await checkImage({ bytes: fs.readFileSync(path.join(DATASETS, 'dlib-faces', 'dogs.jpg')), sha256: 'dogs' }, LIMITS)],
      SETTINGS,
    );
    console.log(`| ${label} | dogs.jpg (no human face) | ${dogs[0] instanceof Error ? 'error' : `${dogs[0]!.length} faces`} | | | |`);
    await provider.close();
  }
}

/** Recall on walking-faces.json (every 5th frame of walking.mp4), and the faces found that it does not list. */
async function footageRecallOf(provider: EmbeddedProvider): Promise<string> {
  let [found, listedFaces, unlisted] = [0, 0, 0];
  for (const [k, { bytes, listed }] of (await walkingFootage(path.join(DATASETS, 'video'))).entries()) {
    const [faces] = await provider.detect([await checkImage({ bytes, sha256: `walking ${k}` }, LIMITS)], SETTINGS);
    if (faces instanceof Error) throw faces;
    const recall = footageRecall(
      listed,
      faces.map((f) => f.box),
    );
    [found, listedFaces, unlisted] = [found + recall.found, listedFaces + listed.length, unlisted + recall.unlisted];
  }
  return `${found}/${listedFaces} (${unlisted} found that the list lacks)`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
