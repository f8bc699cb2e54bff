import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sharedFolder, SHARED_DIR_VARIABLE } from '../../tools/shared-folder';

// A tree like the machines': <top>/shared/{datasets,docs} beside <top>/main, and a Stryker sandbox deep inside main.
let top: string;
beforeAll(() => {
  top = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-shared-'));
  fs.mkdirSync(path.join(top, 'shared', 'datasets'), { recursive: true });
  fs.mkdirSync(path.join(top, 'main', '.stryker-tmp', 'sandbox-abc', 'test'), { recursive: true });
  fs.mkdirSync(path.join(top, 'elsewhere', 'docs'), { recursive: true });
  fs.mkdirSync(path.join(top, 'main', 'shared'), { recursive: true }); // a folder named shared without the data
});
afterAll(() => fs.rmSync(top, { recursive: true, force: true }));

test('from the project root, it is ../shared', () => {
  expect(sharedFolder({}, path.join(top, 'main'))).toBe(path.join(top, 'shared'));
});

test('from a Stryker sandbox three levels down, it is the same folder', () => {
  expect(sharedFolder({}, path.join(top, 'main', '.stryker-tmp', 'sandbox-abc', 'test'))).toBe(path.join(top, 'shared'));
});

test('a folder named shared that holds neither datasets/ nor docs/ is passed over', () => {
  expect(sharedFolder({}, path.join(top, 'main'))).not.toBe(path.join(top, 'main', 'shared'));
});

test('the variable wins over the walk, and a folder with docs/ alone will do', () => {
  const named = path.join(top, 'elsewhere');
  expect(sharedFolder({ [SHARED_DIR_VARIABLE]: named }, path.join(top, 'main'))).toBe(named);
});

test('a variable naming a folder without the data is an error that names the variable', () => {
  expect(() => sharedFolder({ [SHARED_DIR_VARIABLE]: path.join(top, 'main') }, top)).toThrow(/FACEMARK_SHARED_DIR=.* holds neither datasets\/ nor docs\//);
});

test('no shared folder anywhere above is an error that says how to fix it', () => {
  const lonely = fs.mkdtempSync(path.join(os.tmpdir(), 'facemark-lonely-'));
  try {
    expect(() => sharedFolder({}, lonely)).toThrow(/no shared\/ folder .* put it beside the project, or set FACEMARK_SHARED_DIR/);
  } finally {
    fs.rmSync(lonely, { recursive: true, force: true });
  }
});
