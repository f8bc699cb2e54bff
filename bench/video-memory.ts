// Run by the bench as `node --expose-gc dist/bench/video-memory.js <clip>`: the analysis of a long clip
// in this process, with the memory it holds read after a full collection at 10, 25, 50, 75 and 100 %
// of the clip, against the size of its results. Growth beyond the results would be a leak; RSS alone
// (the service's figure) also counts garbage not yet collected.
import { DEFAULT_MIN_FACE_SIZE } from '../src/detection/detection-options';
import 'reflect-metadata';
import { ProviderName } from '../src/config';
import { EmbeddedProvider } from '../src/providers/embedded/embedded.provider';
import { DecoderProcess } from '../src/video/decoder-process';
import { analyseClip } from '../src/video/video-analysis';

const SHARES = [0.1, 0.25, 0.5, 0.75, 1];
const gc = (globalThis as { gc?: () => void }).gc;

/** The JS heap and the memory outside it (typed arrays, buffers) after a full collection, in MB. */
function held(): { heap: number; external: number } {
  gc!();
  const { heapUsed, external } = process.memoryUsage();
  return { heap: heapUsed / 2 ** 20, external: external / 2 ** 20 };
}

async function main(file: string) {
  if (!gc) throw new Error('run with --expose-gc');
  const engine = new EmbeddedProvider({ threads: 2, engine: 'mediapipe' });
  await engine.start();
  const maxSeconds = 24 * 3600;
  const decoder = new DecoderProcess({ maxMemoryBytes: 4 * 2 ** 30, maxCpuSeconds: maxSeconds });
  const info = await decoder.probe(file, { maxPixels: 1e8, maxSeconds });
  const readings: Array<{ heap: number; external: number }> = [];
  const result = await analyseClip({
    decoder,
    maxSeconds,
    workers: 1,
    file,
    info,
    sampleFps: 2,
    smoothing: true,
    settings: { minConfidence: 0.3, maxFaces: 20, minFaceSize: DEFAULT_MIN_FACE_SIZE, provider: ProviderName.EMBEDDED },
    detector: engine,
    analyser: engine,
    detectionMaxSide: 1280,
    onProgress: (_frames, fraction) => {
      while (readings.length < SHARES.length - 1 && fraction >= SHARES[readings.length]!) readings.push(held());
    },
  });
  readings.push(held());
  // Typed arrays' memory is handed back by a sweeper after each collection, some of it later: the
  // external figures above run high by what it has not swept yet. Settled, after the job:
  let settled = held();
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    settled = held();
  }
  const faces = result.tracks.flatMap((t) => t.faces);
  // The results' typed arrays exactly; each face's other fields (box, 5 and 68 points, pose) as JSON, a close stand-in for their heap size.
  const meshMb = faces.reduce((sum, f) => sum + (f.mesh?.byteLength ?? 0), 0) / 2 ** 20;
  const otherMb = faces.reduce((sum, { mesh: _mesh, ...rest }) => sum + JSON.stringify(rest).length, 0) / 2 ** 20;
  await engine.close();
  decoder.close();
  console.log(JSON.stringify({ readings, settled, faces: faces.length, meshMb, otherMb }));
}

main(process.argv[2]!).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
