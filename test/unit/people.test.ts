// Linking tracks into people, on hand-made descriptors (2-D, so every distance is checked by hand).
import {
  assignPeople,
  bestPortraits,
  descriptorDistance,
  isAmongBest,
  linkPeople,
  MIN_PORTRAIT_SCORE,
  PORTRAIT_GAP_SECONDS,
  portraitScore,
  PORTRAITS_PER_TRACK,
  SAME_PERSON_DISTANCE,
  trackDistance,
  type TrackIdentity,
} from '../../src/video/people';

const track = (firstFrame: number, lastFrame: number, ...descriptors: number[][]): TrackIdentity => ({ firstFrame, lastFrame, descriptors });

describe('portraitScore', () => {
  test('is the quality for a frontal face, halved at 60 degrees of yaw or pitch, 0 in profile', () => {
    expect(portraitScore(0.8, { yaw: 0, pitch: 0 })).toBeCloseTo(0.8, 10);
    expect(portraitScore(0.8, { yaw: 60, pitch: 0 })).toBeCloseTo(0.4, 10);
    expect(portraitScore(0.8, { yaw: -60, pitch: 0 })).toBeCloseTo(0.4, 10);
    expect(portraitScore(0.8, { yaw: 0, pitch: -60 })).toBeCloseTo(0.4, 10);
    expect(portraitScore(0.8, { yaw: 60, pitch: 60 })).toBeCloseTo(0.2, 10);
    expect(portraitScore(0.8, { yaw: 90, pitch: 0 })).toBeCloseTo(0, 10);
  });

  test('is never negative for a face turned further than profile', () => {
    expect(portraitScore(0.8, { yaw: 120, pitch: 0 })).toBe(0);
    expect(portraitScore(0.8, { yaw: 0, pitch: -135 })).toBe(0);
  });
});

describe('choosing portraits', () => {
  test('a face enters while there is room, then only by beating the worst kept; never below the minimum', () => {
    expect(isAmongBest(0.5, [])).toBe(true);
    expect(isAmongBest(MIN_PORTRAIT_SCORE, [])).toBe(true);
    expect(isAmongBest(MIN_PORTRAIT_SCORE - 0.01, [])).toBe(false);
    expect(isAmongBest(0.2, [0.9, 0.8], 3)).toBe(true);
    expect(isAmongBest(0.6, [0.9, 0.8, 0.7], 3)).toBe(false);
    expect(isAmongBest(0.7, [0.9, 0.8, 0.7], 3)).toBe(false);
    expect(isAmongBest(0.71, [0.9, 0.8, 0.7], 3)).toBe(true);
    expect(isAmongBest(0.5, [0.9], 1)).toBe(false);
    // Two a track by default.
    expect(PORTRAITS_PER_TRACK).toBe(2);
    expect(isAmongBest(0.2, [0.9])).toBe(true);
    expect(isAmongBest(0.8, [0.9, 0.8])).toBe(false);
    expect(isAmongBest(0.85, [0.9, 0.8])).toBe(true);
  });

  test('the best few, best first, an equal score keeping the earlier frame, none under the minimum', () => {
    // A frame a second apart: the gap between portraits never binds here.
    const at = (frame: number, score: number) => ({ frame, time: frame * PORTRAIT_GAP_SECONDS, score });
    const portraits = [at(1, 0.3), at(4, 0.9), at(3, 0.5), at(2, 0.9), at(5, MIN_PORTRAIT_SCORE - 0.01), at(6, MIN_PORTRAIT_SCORE)];
    expect(bestPortraits(portraits).map((p) => p.frame)).toEqual([2, 4]);
    expect(bestPortraits(portraits, 3).map((p) => p.frame)).toEqual([2, 4, 3]);
    expect(bestPortraits(portraits, 5).map((p) => p.frame)).toEqual([2, 4, 3, 1, 6]);
    expect(bestPortraits([at(5, 0.1)])).toEqual([]);
  });

  test('a portrait is at least PORTRAIT_GAP_SECONDS from every better one chosen: a moment later is a near copy', () => {
    expect(PORTRAIT_GAP_SECONDS).toBe(1);
    const portraits = [
      { frame: 10, time: 1.0, score: 0.9 },
      { frame: 11, time: 1.04, score: 0.85 },
      { frame: 30, time: 1.99, score: 0.8 },
      { frame: 35, time: 2.0, score: 0.5 },
      { frame: 40, time: 2.5, score: 0.7 },
    ];
    // 11 and 30 are under a second from 10, 40 over it; 35 is then under a second from 40.
    expect(bestPortraits(portraits, 3).map((p) => p.frame)).toEqual([10, 40]);
    // Without 40, 35 is exactly a second from 10.
    expect(bestPortraits(portraits.slice(0, 4), 3).map((p) => p.frame)).toEqual([10, 35]);
    // Without 10, 11 leads and 30 is still under a second from it.
    expect(bestPortraits(portraits.slice(1), 3).map((p) => p.frame)).toEqual([11, 40]);
  });
});

describe('trackDistance', () => {
  test('is the mean distance over every pair of the two tracks descriptors', () => {
    expect(descriptorDistance([0, 0], [3, 4])).toBe(5);
    // pairs: (0,0)-(3,4) = 5, (0,0)-(0,1) = 1, (6,8)-(3,4) = 5, (6,8)-(0,1) = sqrt(36 + 49)
    const expected = (5 + 1 + 5 + Math.sqrt(85)) / 4;
    expect(trackDistance(track(0, 9, [0, 0], [6, 8]), track(10, 20, [3, 4], [0, 1]))).toBeCloseTo(expected, 10);
  });

  test('is Infinity for tracks that share a frame or overlap, and for a track without descriptors', () => {
    expect(trackDistance(track(0, 10, [0, 0]), track(10, 20, [0, 0]))).toBe(Infinity);
    expect(trackDistance(track(10, 20, [0, 0]), track(0, 10, [0, 0]))).toBe(Infinity);
    expect(trackDistance(track(5, 8, [0, 0]), track(0, 20, [0, 0]))).toBe(Infinity);
    expect(trackDistance(track(0, 20, [0, 0]), track(5, 8, [0, 0]))).toBe(Infinity);
    expect(trackDistance(track(0, 9, [0, 0]), track(10, 20, [0, 0]))).toBe(0);
    expect(trackDistance(track(11, 20, [0, 0]), track(0, 10, [0, 0]))).toBe(0);
    expect(trackDistance(track(0, 9), track(10, 20, [0, 0]))).toBe(Infinity);
    expect(trackDistance(track(0, 9, [0, 0]), track(10, 20))).toBe(Infinity);
  });
});

describe('linkPeople', () => {
  test('joins tracks closer than the threshold, apart in time; the rest stay people of their own', () => {
    const tracks = [track(0, 9, [0, 0]), track(10, 19, [5, 5]), track(20, 29, [0.1, 0.2]), track(30, 39, [5, 5.3])];
    expect(linkPeople(tracks, 0.4)).toEqual([
      [0, 2],
      [1, 3],
    ]);
    expect(linkPeople(tracks, 0.2)).toEqual([[0], [1], [2], [3]]);
  });

  test('joins at a distance under the threshold, not at it', () => {
    const tracks = [track(0, 9, [0, 0]), track(10, 19, [0.4, 0])];
    expect(linkPeople(tracks, 0.4)).toEqual([[0], [1]]);
    expect(linkPeople(tracks, 0.41)).toEqual([[0, 1]]);
    expect(linkPeople([track(0, 9, [0, 0]), track(10, 19, [SAME_PERSON_DISTANCE - 0.01, 0])])).toEqual([[0, 1]]);
    expect(linkPeople([track(0, 9, [0, 0]), track(10, 19, [SAME_PERSON_DISTANCE + 0.01, 0])])).toEqual([[0], [1]]);
  });

  test('never joins two tracks on screen at once, however alike', () => {
    expect(linkPeople([track(0, 10, [0, 0]), track(5, 15, [0, 0])], 0.4)).toEqual([[0], [1]]);
  });

  test('never puts two overlapping tracks in one person through a third that matches both', () => {
    // 0 and 2 overlap; 1 matches both, 2 more closely: 1 joins 2 first, and 0 can then not join them.
    const tracks = [track(0, 10, [0, 0]), track(20, 30, [0.2, 0]), track(5, 15, [0.3, 0])];
    expect(linkPeople(tracks, 0.4)).toEqual([[0], [1, 2]]);
  });

  test('uses the average of all pairs, not the closest pair, between two groups', () => {
    // 0 and 1 join at 0.2; 2 is 0.3 from 0 and 0.5 from 1: 0.4 on average. The closest pair (0.3)
    // would join it at 0.39, the farthest (0.5) not at 0.41.
    const tracks = [track(0, 9, [0, 0]), track(10, 19, [0.2, 0]), track(20, 29, [-0.3, 0])];
    expect(linkPeople(tracks, 0.39)).toEqual([[0, 1], [2]]);
    expect(linkPeople(tracks, 0.41)).toEqual([[0, 1, 2]]);
    // The closest pair merges first: 1 and 2 (0.05 apart), then 0 joins at their average (0.3).
    expect(linkPeople([track(0, 9, [0, 0]), track(10, 19, [0.3, 0]), track(20, 29, [0.3, 0.05])], 0.32)).toEqual([[0, 1, 2]]);
    expect(linkPeople([track(0, 9, [0, 0]), track(10, 19, [0.3, 0]), track(20, 29, [0.3, 0.05])], 0.3)).toEqual([[0], [1, 2]]);
  });

  test('lists groups in order of their first track, each in track order', () => {
    const tracks = [track(0, 9, [0, 0]), track(10, 19, [9, 9]), track(20, 29, [0, 0.1]), track(30, 39, [9, 9.1]), track(40, 49, [0, 0])];
    expect(linkPeople(tracks, 0.4)).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
  });
});

describe('assignPeople', () => {
  const face = (frame: number, score?: number, descriptor?: number[]) => ({
    frame,
    time: frame,
    portrait: score === undefined ? undefined : { score, descriptor: descriptor! },
  });

  test('numbers people 1, 2, … by their first track, from the tracks best portraits only', () => {
    const tracks: Array<Parameters<typeof assignPeople>[0][number]> = [
      { faces: [face(0, 0.9, [0, 0]), face(1), face(2, 0.8, [0, 0.1])] },
      { faces: [face(3, 0.9, [5, 5]), face(4)] },
      // Its best two portraits are like track 1's; its third (a worse face, ignored) is not.
      { faces: [face(5, 0.9, [0, 0.05]), face(6, 0.8, [0, 0]), face(7, 0.2, [7, 7])] },
      // No portrait: a person of its own, even next to an identical face.
      { faces: [face(9), face(10)] },
    ];
    assignPeople(tracks, 0.4);
    expect(tracks.map((t) => t.person)).toEqual(['1', '2', '1', '3']);
  });
});
