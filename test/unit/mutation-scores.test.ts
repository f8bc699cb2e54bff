import { moduleScores, slimIncrementalReport } from '../../tools/mutation-scores';

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

test('the committed incremental report loses the failure messages only', () => {
  const killed = {
    id: '1',
    status: 'Killed',
    statusReason: 'expected 3, got 4',
    killedBy: ['t1'],
    coveredBy: ['t1', 't2'],
    location: { start: { line: 1, column: 1 } },
  };
  const report = {
    schemaVersion: '2',
    files: { 'src/a.ts': { language: 'typescript', source: 'x', mutants: [killed, { id: '2', status: 'Survived', coveredBy: [] }] } },
  };
  expect(slimIncrementalReport(report)).toEqual({
    schemaVersion: '2',
    files: {
      'src/a.ts': {
        language: 'typescript',
        source: 'x',
        mutants: [
          { id: '1', status: 'Killed', killedBy: ['t1'], coveredBy: ['t1', 't2'], location: { start: { line: 1, column: 1 } } },
          { id: '2', status: 'Survived', coveredBy: [] },
        ],
      },
    },
  });
  expect(report.files['src/a.ts'].mutants[0]).toHaveProperty('statusReason', 'expected 3, got 4');
});
