import { moduleScores } from '../../tools/mutation-scores';

const mutants = (counts: Record<string, number>) => Object.entries(counts).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status }))) as never;

test("a module's score is killed and timed-out mutants over those that count (errors and ignored ones do not)", () => {
  const [scored] = moduleScores({
    files: { 'src/a.ts': { mutants: mutants({ Killed: 6, Timeout: 2, Survived: 1, NoCoverage: 1, CompileError: 5, RuntimeError: 3, Ignored: 4 }) } },
  });
  expect(scored).toEqual({ file: 'src/a.ts', killed: 8, survived: 1, noCoverage: 1, score: 80 });
});

test('modules come in path order, each scored on its own mutants', () => {
  const scores = moduleScores({ files: { 'src/z.ts': { mutants: mutants({ Killed: 1 }) }, 'src/b.ts': { mutants: mutants({ Survived: 3, Killed: 1 }) } } });
  expect(scores.map((s) => [s.file, s.score])).toEqual([
    ['src/b.ts', 25],
    ['src/z.ts', 100],
  ]);
});
