import type { ProviderName } from '../config';
import type { Box, Point } from '../geometry/geometry';
import type { FivePoints } from '../geometry/landmarks';
import type { Similarity } from '../geometry/similarity';
import type { DecodedImage, RgbImage } from '../image/image-decoder';

/** One face as a provider reports it, in the client's upright-image coordinates. */
export interface ProviderFace {
  box: Box;
  confidence: number;
  /** 0..1, see `Face.quality` in the schema. */
  quality: number;
  /** iBUG 300-W order, when the provider has them. */
  points68?: Point[];
  /** When the provider gives the five directly (otherwise derived from `points68`). */
  fivePoints?: FivePoints;
}

export interface DetectionSettings {
  minConfidence: number;
  maxFaces: number;
  provider: ProviderName;
}

/**
 * Something that finds faces and their landmarks. A call takes a whole batch so that a provider can
 * spread it over workers or over concurrent upstream calls; it answers one result or Error per image.
 */
export interface LandmarkProvider {
  readonly name: ProviderName;
  /** The DataLoader batch size that suits this provider. */
  readonly maxBatchSize: number;
  /** Loads models / checks configuration; resolves when the provider can serve. */
  start(): Promise<void>;
  isReady(): boolean;
  detect(images: readonly DecodedImage[], settings: DetectionSettings): Promise<Array<ProviderFace[] | Error>>;
  /** The 68 iBUG points for faces found elsewhere (client coordinates), when this provider can. */
  landmarks68?(image: DecodedImage, boxes: Box[]): Promise<Point[][]>;
  /** Expression probabilities for faces of several images (client coordinates), when this provider can. */
  expressions?(requests: Array<{ image: DecodedImage; boxes: Box[] }>): Promise<number[][][]>;
  /** A size x size square whose pixel p shows the upright image at toImage(p), when this provider can. */
  warp?(image: DecodedImage, toImage: Similarity, size: number): Promise<RgbImage>;
  /** 128-d descriptors of faces of several images from aligned chips, when this provider can. */
  descriptors?(requests: Array<{ image: DecodedImage; toImages: Similarity[] }>, size: number): Promise<number[][][]>;
  close(): Promise<void>;
}
