// The documentation stays true to the code: every relative link resolves, and the configuration page
// lists exactly the variables the configuration schema reads.
import fs from 'node:fs';
import path from 'node:path';
import { envSchema } from '../../src/config';

const ROOT = path.resolve(__dirname, '..', '..');
const pages = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f)),
];

test.each(pages)('every relative link in %s resolves', (page) => {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/i.test(t) && !t.startsWith('#'));
  const missing = targets.filter((t) => !fs.existsSync(path.resolve(path.dirname(path.join(ROOT, page)), t.split('#')[0]!)));
  expect(missing).toEqual([]);
});

test('README is short and links every docs page', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(readme.split('\n').length).toBeLessThanOrEqual(150);
  for (const page of pages.filter((p) => p.startsWith('docs'))) expect(readme).toContain(`](${page})`);
});

test('docs/configuration.md lists every variable of the configuration schema, and no other', () => {
  const text = fs.readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
  const listed = [...text.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
  expect([...listed].sort()).toEqual(Object.keys(envSchema.shape).sort());
  expect(new Set(listed).size).toBe(listed.length);
});
