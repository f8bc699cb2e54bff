// The demo page at GET /, driven in headless Chromium (Debian's package, which .ci/run installs;
// playwright-core drives the system browser and downloads nothing). Real photos are uploaded through
// the page's file picker; the drawing is checked against the boxes it must sit in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { dataset } from './support/datasets';
import { startTestServer, type TestServer } from './support/server';
import { describeWithPackage } from './support/system-package';
import { photoClip } from './support/video-client';
import { makeCastClip } from '../tools/cast-clip';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.join(__dirname, '..', 'test-output');

describeWithPackage(
  'Chromium',
  fs.existsSync(CHROMIUM),
  'apt-get install chromium (or set CHROMIUM_PATH)',
)('the demo page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`);
    server = await startTestServer({ DEMO_PAGE: 'true' });
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Picks files in the page's photo picker and waits for the page to draw the answer. */
  async function pick(...files: string[]) {
    await page.goto(`${server.url}/`);
    await page.setInputFiles('#files', files);
    await page.waitForSelector('#drop[data-state="done"]', { timeout: 60_000 });
  }

  /** Each drawn face: its box and its markers, in the photo's pixel coordinates (the SVG's viewBox). */
  const drawnFaces = () =>
    page.$$eval('g.face', (groups) =>
      groups.map((g) => {
        const rect = g.querySelector('rect.face-box')!;
        const box = ['x', 'y', 'width', 'height'].map((a) => Number(rect.getAttribute(a)));
        const points = [...g.querySelectorAll('circle.landmark')].map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]);
        const radius = Number(g.querySelector('circle.landmark')?.getAttribute('r'));
        return { box, points, radius };
      }),
    );

  const inside = ([x, y, w, h]: number[], [px, py]: number[], margin: number) =>
    px! >= x! - margin * w! && px! <= x! + w! * (1 + margin) && py! >= y! - margin * h! && py! <= y! + h! * (1 + margin);

  test('a group photo: every face the API finds is drawn, its points inside its box, with expressions and crops', async () => {
    const photo = dataset('photos', 'bbt1.jpg');
    const expected = (
      await server.graphql('query($i: ImageInput!) { detectLandmarks(image: $i) { faces { id } } }', {
        i: { base64: fs.readFileSync(photo).toString('base64') },
      })
    ).body.data.detectLandmarks.faces.length;
    expect(expected).toBeGreaterThanOrEqual(4);
    await pick(photo);

    expect(await page.textContent('#status')).toBe(`${expected} faces in 1 photo.`);
    await page.selectOption('#scheme', 'five');
    const five = await drawnFaces();
    expect(five).toHaveLength(expected);
    for (const face of five) {
      expect(face.points).toHaveLength(5);
      for (const point of face.points) expect(inside(face.box, point, 0)).toBe(true);
    }
    // Markers scale with the face: the largest face's are larger than the smallest face's, in proportion.
    const bySize = [...five].sort((a, b) => a.box[2]! - b.box[2]!);
    const [smallest, largest] = [bySize[0]!, bySize[bySize.length - 1]!];
    expect(largest.box[2]! / smallest.box[2]!).toBeGreaterThan(1.2);
    expect(largest.radius / smallest.radius).toBeCloseTo(Math.max(largest.box[2]!, largest.box[3]!) / Math.max(smallest.box[2]!, smallest.box[3]!), 1);
    await page.selectOption('#scheme', 'ibug68');
    for (const face of await drawnFaces()) {
      expect(face.points).toHaveLength(68);
      // The jaw follows the mesh's face oval, which may leave the detector's box a little.
      for (const point of face.points) expect(inside(face.box, point, 0.25)).toBe(true);
    }
    expect(await page.$$eval('.face-card', (cards) => cards.map((c) => c.querySelectorAll('.bar').length))).toEqual(Array(expected).fill(7));
    expect(await page.$$eval('img.crop', (imgs) => imgs.every((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0))).toBe(true);
    expect(await page.locator('img.crop-aligned').count()).toBe(expected);
    expect(await page.locator('.pose-axes line').count()).toBe(expected * 3);

    fs.mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'demo-page.png'), fullPage: true });
  });

  test('the mesh: 478 markers a face', async () => {
    await pick(dataset('photos', 'happy.jpg'));
    await page.selectOption('#scheme', 'mesh');
    const faces = await drawnFaces();
    expect(faces).toHaveLength(1);
    expect(faces[0]?.points).toHaveLength(478);
  });

  test('batch mode: several photos in one request, one result each, in order', async () => {
    await pick(dataset('photos', 'happy.jpg'), dataset('photos', 'sad.jpg'), dataset('photos', 'bbt2.jpg'));
    expect(await page.$$eval('.result h2', (titles) => titles.map((t) => t.textContent))).toEqual(['happy.jpg', 'sad.jpg', 'bbt2.jpg']);
    const counts = await page.$$eval('.result', (results) => results.map((r) => r.querySelectorAll('g.face').length));
    expect(counts.slice(0, 2)).toEqual([1, 1]);
    expect(counts[2]).toBeGreaterThan(1);
    fs.mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'demo-page-batch.png'), fullPage: true });
  });

  test('a file that is not a photo shows its user error, and the other photos still show', async () => {
    const notAPhoto = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'demo-')), 'notes.jpg');
    fs.writeFileSync(notAPhoto, 'these are not the bytes of a JPEG');
    await pick(notAPhoto, dataset('photos', 'happy.jpg'));
    expect(await page.textContent('.user-error[data-code="UNSUPPORTED_FORMAT"]')).toMatch(/^UNSUPPORTED_FORMAT: /);
    expect(await page.locator('g.face').count()).toBe(1);
  });

  test('a photo dropped on the page is analysed like a picked one', async () => {
    await page.goto(`${server.url}/`);
    const base64 = fs.readFileSync(dataset('photos', 'surprised.jpg')).toString('base64');
    // Runs in the page (this file is type-checked without the DOM library, hence the cast).
    const dataTransfer = await page.evaluateHandle((data) => {
      const browser = globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } } };
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const transfer = new browser.DataTransfer();
      transfer.items.add(new File([bytes], 'surprised.jpg', { type: 'image/jpeg' }));
      return transfer;
    }, base64);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer });
    await page.waitForSelector('#drop[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('.result h2')).toBe('surprised.jpg');
    expect(await page.locator('g.face').count()).toBe(1);
  });

  /** The face the photo API finds in an image the page shows (a data URL), with its descriptor. */
  async function faceIn(dataUrl: string) {
    const { body } = await server.graphql('mutation($image: ImageInput!) { detectLandmarks(image: $image) { faces { descriptor } } }', {
      image: { base64: dataUrl.slice(dataUrl.indexOf(',') + 1) },
    });
    return body.data.detectLandmarks.faces as Array<{ descriptor: number[] }>;
  }
  const euclidean = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0));

  test('Average: three photos give the average of their faces; the slider morphs from the first face to the second', async () => {
    await page.goto(`${server.url}/`);
    const files = ['neutral.jpg', 'happy.jpg', 'sad.jpg'].map((f) => dataset('photos', f));
    await page.setInputFiles('#average-files', files);
    await page.waitForSelector('#average[data-state="done"]', { timeout: 60_000 });
    await page.waitForSelector('#morph[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('#average-status')).toBe('The average of 3 faces.');
    const average = (await page.getAttribute('#average-image', 'src'))!;
    expect(average).toMatch(/^data:image\/jpeg;base64,/);
    expect(await faceIn(average)).toHaveLength(1);
    // The photo part is untouched.
    expect(await page.locator('.result').count()).toBe(0);

    /** Moves the slider to `amount`, as a hand letting go of it, and returns the morph shown then. */
    const morphAt = async (amount: number) => {
      await page.$eval(
        '#morph-amount',
        (slider, value) => {
          const range = slider as unknown as { value: string; dispatchEvent(event: unknown): void };
          range.value = String(value);
          range.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event('change'));
        },
        amount,
      );
      await page.waitForSelector(`#morph[data-amount="${amount}"][data-state="done"]`, { timeout: 60_000 });
      return (await page.getAttribute('#morph-image', 'src'))!;
    };
    await page.screenshot({ path: path.join(OUTPUT, 'demo-page-average.png'), fullPage: true });
    // At each end the morph is that photo's person, by the recognition net: near it, and far from the other.
    const [neutral] = await faceIn(`data:,${fs.readFileSync(files[0]!).toString('base64')}`);
    const [happy] = await faceIn(`data:,${fs.readFileSync(files[1]!).toString('base64')}`);
    const [start] = await faceIn(await morphAt(0));
    const [end] = await faceIn(await morphAt(1));
    expect(euclidean(start!.descriptor, neutral!.descriptor)).toBeLessThan(0.3);
    expect(euclidean(end!.descriptor, happy!.descriptor)).toBeLessThan(0.3);
    expect(euclidean(start!.descriptor, neutral!.descriptor)).toBeLessThan(euclidean(start!.descriptor, happy!.descriptor) / 2);
    expect(euclidean(end!.descriptor, happy!.descriptor)).toBeLessThan(euclidean(end!.descriptor, neutral!.descriptor) / 2);
  });

  test('Average: a photo without a face dropped there is named in the error, and nothing is averaged', async () => {
    await page.goto(`${server.url}/`);
    const dataTransfer = await page.evaluateHandle(
      (photos) => {
        const browser = globalThis as unknown as { DataTransfer: new () => { items: { add(file: unknown): void } } };
        const transfer = new browser.DataTransfer();
        for (const [name, data] of photos) transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type: 'image/jpeg' }));
        return transfer;
      },
      [
        ['neutral.jpg', fs.readFileSync(dataset('photos', 'neutral.jpg')).toString('base64')],
        ['dogs.jpg', fs.readFileSync(dataset('dlib-faces', 'dogs.jpg')).toString('base64')],
      ],
    );
    await page.dispatchEvent('#average-drop', 'drop', { dataTransfer });
    await page.waitForSelector('#average[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('#average-status.error')).toMatch(/^dogs\.jpg: NO_FACE: No face was found/);
    expect(await page.isHidden('#average-image')).toBe(true);
    // The drop stayed with the Average part: the photo part did not analyse these.
    expect(await page.locator('.result').count()).toBe(0);
  });

  test('on a server with API keys the page sends the key typed in, and says so when it is missing', async () => {
    const closed = await startTestServer(
      { API_KEYS: 'demo-page-key-123' },
      { provider: server.providers.defaultProvider, analyser: server.providers.analyser, start: false },
    );
    const keyed = await browser.newPage();
    try {
      await keyed.goto(`${closed.url}/`);
      await keyed.setInputFiles('#files', dataset('photos', 'happy.jpg'));
      await keyed.waitForSelector('#drop[data-state="done"]', { timeout: 60_000 });
      expect(await keyed.textContent('#status.error')).toMatch(/API key is required/);

      await keyed.fill('#key', 'demo-page-key-123');
      await keyed.dispatchEvent('#key', 'change');
      await keyed.setInputFiles('#files', []);
      await keyed.setInputFiles('#files', dataset('photos', 'happy.jpg'));
      await keyed.waitForSelector('g.face', { timeout: 60_000 });
      expect(await keyed.locator('g.face').count()).toBe(1);
    } finally {
      await keyed.close();
      closed.httpServer.close();
    }
  });

  describe('video', () => {
    let clips: string;
    beforeAll(() => {
      clips = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-video-'));
      // happy.jpg (one face) moving 20 px right a frame, 10 frames a second for 1 s.
      photoClip(path.join(clips, 'moving.mp4'), 1, "pad=700:282:200:0,crop=500:282:'200-20*n':0");
      // The same motion over a red margin (frame n shows 20n red columns at its left: the frame on screen
      // can be read from its pixels), presented from 0.85 s as edited MP4s are (an edit list).
      photoClip(path.join(clips, 'red.mp4'), 1, "pad=700:282:200:0:color=red,crop=500:282:'200-20*n':0");
      execFileSync(ffmpeg.path, [
        '-v',
        'error',
        '-y',
        '-i',
        path.join(clips, 'red.mp4'),
        '-c',
        'copy',
        '-output_ts_offset',
        '0.85',
        path.join(clips, 'late.mp4'),
      ]);
      makeCastClip(ffmpeg.path, path.join(clips, 'cast.mp4'));
    });
    afterAll(() => fs.rmSync(clips, { recursive: true, force: true }));

    /** Picks a video in the page's video picker and waits until the page shows its result. */
    async function pickVideo(file: string) {
      await page.goto(`${server.url}/`);
      await page.setInputFiles('#video-file', file);
      await page.waitForSelector('#video[data-state="done"], #video[data-state="failed"]', { timeout: 120_000 });
    }

    /** Seeks the clip to `time` and waits for the seek to end (the page redraws on 'seeked', before this listener). */
    async function seek(time: number) {
      // Runs in the page (this file is type-checked without the DOM library, hence the cast).
      type Player = { currentTime: number; addEventListener(name: string, listener: () => void, options: { once: boolean }): void };
      await page.evaluate(async (t) => {
        const player = (globalThis as unknown as { document: { getElementById(id: string): Player } }).document.getElementById('video-player');
        if (player.currentTime === t) return;
        const seeked = new Promise<void>((resolve) => player.addEventListener('seeked', resolve, { once: true }));
        player.currentTime = t;
        await seeked;
      }, time);
    }

    /** Each face drawn over the clip now: its track, analysed frame, box, label and points. */
    const drawnTracks = () =>
      page.$$eval('g.tracked-face', (groups) =>
        groups.map((g) => {
          const rect = g.querySelector('rect.face-box')!;
          return {
            track: g.getAttribute('data-track'),
            frame: Number(g.getAttribute('data-frame')),
            label: g.querySelector('text.track-id')?.textContent,
            box: ['x', 'y', 'width', 'height'].map((a) => Number(rect.getAttribute(a))),
            points: [...g.querySelectorAll('circle.landmark')].map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]),
          };
        }),
      );

    test('a moving face: progress from the subscription, then its box, track id and points drawn on the frame shown', async () => {
      await pickVideo(path.join(clips, 'moving.mp4'));
      expect(await page.getAttribute('#video', 'data-state')).toBe('done');
      expect(await page.textContent('#video-status')).toBe('1 track of 1 person, 10 faces in 10 frames.');
      // The bar ends full; it was moved by the subscription's events (the state at once, progress, the end).
      expect(await page.$eval('#video-progress', (bar) => Number((bar as unknown as { value: number }).value))).toBe(1);
      expect(Number(await page.getAttribute('#video', 'data-events'))).toBeGreaterThanOrEqual(2);

      await seek(0);
      const [first] = await drawnTracks();
      await seek(0.5);
      const drawn = await drawnTracks();
      expect(drawn).toHaveLength(1);
      const [face] = drawn;
      expect(face).toMatchObject({ track: first!.track, frame: 5, label: `#${first!.track}` });
      expect(first!.frame).toBe(0);
      // Five frames later the box has moved 100 px right, as the face did.
      expect(face!.box[0]! - first!.box[0]!).toBeGreaterThan(90);
      expect(face!.box[0]! - first!.box[0]!).toBeLessThan(110);
      expect(face!.points).toHaveLength(68);
      for (const point of face!.points) expect(inside(face!.box, point, 0.25)).toBe(true);
      // Between analysed frames the last one shown stays drawn: 0.72 s shows frame 7.
      await seek(0.72);
      expect((await drawnTracks()).map((f) => f.frame)).toEqual([7]);

      fs.mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: path.join(OUTPUT, 'demo-page-video.png'), fullPage: true });
    });

    /** The frame on screen, read from its pixels: the red columns at its left, 20 a frame. */
    const frameOnScreen = () =>
      page.evaluate(() => {
        type Video = { videoWidth: number; videoHeight: number };
        type Context = {
          drawImage(v: Video, x: number, y: number): void;
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
        const doc = (
          globalThis as unknown as {
            document: { getElementById(id: string): Video; createElement(name: string): { width: number; height: number; getContext(kind: string): Context } };
          }
        ).document;
        const player = doc.getElementById('video-player');
        const canvas = doc.createElement('canvas');
        [canvas.width, canvas.height] = [player.videoWidth, player.videoHeight];
        const context = canvas.getContext('2d');
        context.drawImage(player, 0, 0);
        const row = context.getImageData(0, Math.floor(player.videoHeight / 2), player.videoWidth, 1).data;
        let red = 0;
        while (red < player.videoWidth && row[4 * red]! > 150 && row[4 * red + 1]! < 90 && row[4 * red + 2]! < 90) red++;
        return Math.round(red / 20);
      });

    test("a clip whose first frame is presented at 0.85 s: at every time sought, the faces drawn are the frame's on screen", async () => {
      await pickVideo(path.join(clips, 'late.mp4'));
      expect(await page.getAttribute('#video', 'data-state')).toBe('done');
      const seen: Array<[number, number, number[]]> = [];
      for (const time of [0.3, 0.9, 1.23, 1.5, 1.62, 1.78]) {
        await seek(time);
        seen.push([time, await frameOnScreen(), (await drawnTracks()).map((f) => f.frame)]);
      }
      // Chromium shows frame n from 0.85 + n / 10 s, and the first frame before that.
      expect(seen.map(([time, shown]) => [time, shown])).toEqual([
        [0.3, 0],
        [0.9, 0],
        [1.23, 3],
        [1.5, 6],
        [1.62, 7],
        [1.78, 9],
      ]);
      for (const [time, shown, drawn] of seen) expect([time, drawn]).toEqual([time, [shown]]);
    });

    test('walking.mp4: every face the job found in a frame is drawn there, each with its track id', async () => {
      await pickVideo(dataset('video', 'walking.mp4'));
      expect(await page.getAttribute('#video', 'data-state')).toBe('done');
      await seek(2);
      const drawn = await drawnTracks();
      expect(drawn.length).toBeGreaterThanOrEqual(4);
      expect(new Set(drawn.map((f) => f.track)).size).toBe(drawn.length);
      for (const face of drawn) {
        expect(face.frame).toBe(50);
        expect(face.label).toBe(`#${face.track}`);
      }
      fs.mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: path.join(OUTPUT, 'demo-page-walking.png'), fullPage: true });
    });

    test("the cast clip: a strip of the people with their thumbnails and times; a click seeks to a person's first face, drawn in their colour", async () => {
      await pickVideo(path.join(clips, 'cast.mp4'));
      expect(await page.getAttribute('#video', 'data-state')).toBe('done');
      const cards = await page.$$eval('#video-people button', (buttons) =>
        buttons.map((b) => ({
          person: b.getAttribute('data-person'),
          thumbnail: b.querySelector('img')?.getAttribute('src') ?? null,
          time: b.querySelector('.person-time')?.textContent,
          colour: (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string } }).getComputedStyle(b).borderTopColor,
        })),
      );
      // Fewer people than tracks (actors come back shot after shot), each with a different colour.
      const summary = (await page.textContent('#video-status'))!.match(/^(\d+) tracks of (\d+) people/)!;
      expect(cards).toHaveLength(Number(summary[2]));
      expect(Number(summary[1])).toBeGreaterThan(cards.length);
      expect(new Set(cards.map((c) => c.colour)).size).toBe(cards.length);
      // The eight actors the clip shows whole (test/video-people.test.ts) have thumbnails; faces the frame cuts may not.
      expect(cards.filter((c) => c.thumbnail?.startsWith('data:image/jpeg;base64,')).length).toBeGreaterThanOrEqual(8);
      for (const card of cards) expect(card.time).toMatch(/^\d+\.\d–\d+\.\d s$/);

      // The person first seen in the second shot (1.6 s on): a click shows their first face.
      const card = cards.find((c) => Number(c.time!.split('–')[0]) >= 1.6)!;
      const seeked = page.evaluate(
        () =>
          new Promise<void>((resolve) =>
            (globalThis as unknown as { document: { getElementById(id: string): { addEventListener(n: string, l: () => void, o: object): void } } }).document
              .getElementById('video-player')
              .addEventListener('seeked', () => resolve(), { once: true }),
          ),
      );
      await page.click(`#video-people button[data-person="${card.person}"]`);
      await seeked;
      const time = await page.$eval('#video-player', (v) => (v as unknown as { currentTime: number }).currentTime);
      expect(time).toBeCloseTo(Number(card.time!.split('–')[0]), 1);
      const faces = await page.$$eval('g.tracked-face', (groups) =>
        groups.map((g) => ({
          person: g.getAttribute('data-person'),
          frame: Number(g.getAttribute('data-frame')),
          colour: (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(g.querySelector('rect.face-box')).stroke,
        })),
      );
      expect(faces).toContainEqual({ person: card.person, frame: expect.any(Number), colour: card.colour });
      // Only the frame on screen: none of the faces that ended on the last frame of the shot before the cut.
      expect(new Set(faces.map((f) => f.frame)).size).toBe(1);
      fs.mkdirSync(OUTPUT, { recursive: true });
      await page.screenshot({ path: path.join(OUTPUT, 'demo-page-people.png'), fullPage: true });
    });

    test('a file that is not a video shows its user error', async () => {
      const notes = path.join(clips, 'notes.mp4');
      fs.writeFileSync(notes, 'these are not the bytes of a video');
      await pickVideo(notes);
      expect(await page.getAttribute('#video', 'data-state')).toBe('failed');
      expect(await page.textContent('#video-status.error')).toMatch(/^UNSUPPORTED_VIDEO: /);
    });
  });
});
