// Piscina worker: one FaceEngine (one model set) per thread, loaded before the first task.
import { FaceEngine, type EngineTask, type LandmarksTask } from './face-engine';

export = FaceEngine.load().then((engine) => (task: EngineTask | LandmarksTask | 'tensor-count') => {
  if (task === 'tensor-count') return engine.tensorCount();
  return 'kind' in task ? engine.landmarksFor(task) : engine.detect(task);
});
