// `npm run test:mutation` ends here: the mutation score of each mutated module, from Stryker's JSON
// report, as the table docs/development.md keeps; exit 1 when a module is under the floor (80 %, or
// MUTATION_FLOOR). Stryker's own `break` (85 %) holds the whole; this keeps one module's decay from
// hiding behind the others. It also slims the committed incremental report (slimIncrementalReport).
import fs from 'node:fs';
import path from 'node:path';

interface Mutant {
  status: 'Killed' | 'Timeout' | 'Survived' | 'NoCoverage' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

export interface ModuleScore {
  file: string;
  killed: number;
  survived: number;
  noCoverage: number;
  /** Detected (killed or timed out) over valid (detected, survived or not covered), in percent; NaN without valid mutants. */
  score: number;
}

/** Each file's score as Stryker computes it (errors and ignored mutants are not valid, so they do not count). */
export function moduleScores(report: Report): ModuleScore[] {
  return Object.entries(report.files)
    .map(([file, { mutants }]) => {
      const count = (...statuses: Mutant['status'][]) => mutants.filter((m) => statuses.includes(m.status)).length;
      const killed = count('Killed', 'Timeout');
      const survived = count('Survived');
      const noCoverage = count('NoCoverage');
      return { file, killed, survived, noCoverage, score: (100 * killed) / (killed + survived + noCoverage) };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * The incremental report without each mutant's `statusReason` (a killing test's failure message, kept
 * for reading, not for reuse): 3.3 of its 4.3 MB of JSON, and the file is committed. Stryker reuses a
 * mutant's result from its status, location and tests (killedBy, coveredBy), which stay.
 */
export function slimIncrementalReport<R extends { files: Record<string, { mutants: Array<Record<string, unknown>> }> }>(report: R): R {
  return {
    ...report,
    files: Object.fromEntries(
      Object.entries(report.files).map(([file, entry]) => [file, { ...entry, mutants: entry.mutants.map(({ statusReason: _reason, ...mutant }) => mutant) }]),
    ),
  };
}

const INCREMENTAL_FILE = 'test/mutation/stryker-incremental.json';

function main() {
  if (fs.existsSync(INCREMENTAL_FILE)) {
    const incremental = JSON.parse(fs.readFileSync(INCREMENTAL_FILE, 'utf8')) as Parameters<typeof slimIncrementalReport>[0];
    fs.writeFileSync(INCREMENTAL_FILE, `${JSON.stringify(slimIncrementalReport(incremental), null, 2)}\n`);
  }
  const reportFile = path.resolve(process.argv[2] ?? 'reports/mutation/mutation.json');
  const floor = Number(process.env.MUTATION_FLOOR ?? 80);
  const scores = moduleScores(JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report);
  const total = scores.reduce((sum, s) => ({ killed: sum.killed + s.killed, valid: sum.valid + s.killed + s.survived + s.noCoverage }), {
    killed: 0,
    valid: 0,
  });
  console.log('| module | score | killed | survived | no coverage |\n|---|---|---|---|---|');
  for (const s of scores) console.log(`| \`${s.file}\` | ${s.score.toFixed(1)} % | ${s.killed} | ${s.survived} | ${s.noCoverage} |`);
  console.log(`| all ${scores.length} modules | ${((100 * total.killed) / total.valid).toFixed(1)} % | ${total.killed} of ${total.valid} | | |`);
  const under = scores.filter((s) => s.score < floor);
  if (under.length > 0) {
    console.error(`\nunder the floor of ${floor} %: ${under.map((s) => `${s.file} (${s.score.toFixed(1)} %)`).join(', ')}`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
