// Piscina worker: one FaceEngine (one model set) per thread, loaded before the first task.
import { FaceEngine, type EngineTask, type ExpressionsTask, type LandmarksTask } from './face-engine';

export = FaceEngine.load().then((engine) => (task: EngineTask | LandmarksTask | ExpressionsTask | 'tensor-count') => {
  if (task === 'tensor-count') return engine.tensorCount();
  if (!('kind' in task)) return engine.detect(task);
  return task.kind === 'landmarks' ? engine.landmarksFor(task) : engine.expressionsFor(task);
});
