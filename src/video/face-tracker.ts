// Which face in this frame is which face of the frames before: tracks by overlap with where each
// track's face is expected now (its last box moved by its last motion) or was last seen, matched best-first.
import { iou, type Box } from '../geometry/geometry';

export interface TrackerOptions {
  /** The overlap a face needs with a track's expected box to continue it. */
  minIou: number;
  /** Analysed frames a track may go without its face before it ends. */
  maxMissedFrames: number;
}

interface OpenTrack {
  id: string;
  box: Box;
  /** Box motion per analysed frame (centre x, centre y). */
  velocity: { x: number; y: number };
  lastSample: number;
}

export class FaceTracker {
  private open: OpenTrack[] = [];
  private sample = -1;
  private nextId = 1;

  constructor(private readonly options: TrackerOptions) {}

  /**
   * The track id of each box of the next analysed frame, in the boxes' order. New faces start tracks.
   * A box with a hint (the id of the track whose last face it was followed from) continues that track
   * if it is still open, before any match by overlap.
   */
  update(boxes: readonly Box[], hints: ReadonlyArray<string | undefined> = []): string[] {
    this.sample++;
    this.open = this.open.filter((t) => this.continues(t, this.sample));
    const pairs: Array<{ track: OpenTrack; box: number; overlap: number }> = [];
    for (const track of this.open) {
      const expected = this.expectedBox(track);
      boxes.forEach((box, i) => {
        // A hint outranks any overlap (at most 1).
        // Where it was last seen counts too: a motion measured over one jerky frame can carry the
        // expected place far off over missed frames.
        const overlap = hints[i] === track.id ? 2 : Math.max(iou(expected, box), iou(track.box, box));
        if (overlap >= this.options.minIou) pairs.push({ track, box: i, overlap });
      });
    }
    pairs.sort((a, b) => b.overlap - a.overlap);
    const ids = new Array<string | undefined>(boxes.length);
    const taken = new Set<OpenTrack>();
    for (const { track, box } of pairs) {
      if (taken.has(track) || ids[box] !== undefined) continue;
      taken.add(track);
      ids[box] = track.id;
      this.follow(track, boxes[box]!);
    }
    return boxes.map((box, i) => ids[i] ?? this.start(box));
  }

  /** The tracks a later frame may still continue (the others have ended for good: ids are never reused). */
  openIds(): Set<string> {
    return new Set(this.open.filter((t) => this.continues(t, this.sample + 1)).map((t) => t.id));
  }

  /** Whether the track may take a face in analysed frame `sample`: it has missed at most maxMissedFrames since its last. */
  private continues(track: OpenTrack, sample: number): boolean {
    return sample - track.lastSample <= this.options.maxMissedFrames + 1;
  }

  /** A scene cut: no face after it continues a track from before it. */
  cut(): void {
    this.open = [];
  }

  private expectedBox(track: OpenTrack): Box {
    const steps = this.sample - track.lastSample;
    return { ...track.box, x: track.box.x + track.velocity.x * steps, y: track.box.y + track.velocity.y * steps };
  }

  private follow(track: OpenTrack, box: Box): void {
    const steps = this.sample - track.lastSample;
    const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
    const [from, to] = [centre(track.box), centre(box)];
    track.velocity = { x: (to.x - from.x) / steps, y: (to.y - from.y) / steps };
    track.box = box;
    track.lastSample = this.sample;
  }

  private start(box: Box): string {
    const track: OpenTrack = { id: String(this.nextId++), box, velocity: { x: 0, y: 0 }, lastSample: this.sample };
    this.open.push(track);
    return track.id;
  }
}
