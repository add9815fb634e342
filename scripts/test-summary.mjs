// Adds up the test reports of every workspace package — vitest's JSON report (.vitest-report.json)
// and the browser tests' (.e2e-report.json) — and prints one closing line:
// "tests: N passed, N failed, N skipped" (exit code 1 when any test failed or none ran).
//
// The count never hides a failure: each of these counts as one failed test, with a line saying why:
//  - a test file that failed to load (it threw at import, a syntax error): vitest lists it as a
//    failed file with no failed test;
//  - a package with a `test` script but no report (its runner crashed, or its build failed first);
//  - with --e2e, a package with a `test:e2e` script but no browser report;
//  - a runner that exited non-zero although its report counts no failure (an unhandled error, say),
//    as turbo's run summaries given with --runs record it.
//
// usage: node scripts/test-summary.mjs [--e2e] [--runs .turbo/runs/<id>.json ...]   (from the root)
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { workspaceFolders } from './workspace-folders.mjs';

const argv = process.argv.slice(2);
const expectE2e = argv.includes('--e2e');

/** Exit code of each task turbo ran, by "<package folder> <task>". */
const exitCodes = new Map();
argv.forEach((arg, i) => {
  if (arg !== '--runs') return;
  for (const t of JSON.parse(readFileSync(argv[i + 1], 'utf8')).tasks ?? []) {
    const code = t.execution?.exitCode;
    if (typeof code === 'number') exitCodes.set(`${t.directory} ${t.task}`, code);
  }
});

/** Counts one failure when the runner failed but its report says nothing failed; returns it. */
function silentFailure(dir, task, reportFailures) {
  const code = exitCodes.get(`${dir} ${task}`) ?? 0;
  if (code === 0 || reportFailures > 0) return 0;
  console.log(
    `${dir}: \`${task}\` exited with code ${code} but its report counts no failure — counted as 1 failed`,
  );
  return 1;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of workspaceFolders()) {
  const scripts = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts ?? {};
  const unit = join(dir, '.vitest-report.json');
  if (existsSync(unit)) {
    const r = JSON.parse(readFileSync(unit, 'utf8'));
    const notLoaded = (r.testResults ?? []).filter(
      (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
    );
    for (const f of notLoaded) {
      const why = String(f.message ?? '').split('\n')[0];
      console.log(`${relative('.', f.name)}: failed to load${why ? ` (${why})` : ''} — counted as 1 failed`);
    }
    let unitFailed = r.numFailedTests + notLoaded.length;
    unitFailed += silentFailure(dir, 'test', unitFailed);
    passed += r.numPassedTests;
    failed += unitFailed;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    console.log(`${unit}: ${r.numPassedTests} passed, ${unitFailed} failed`);
  } else if (scripts.test) {
    failed += 1;
    console.log(`${unit}: missing — the test runner of ${dir} ended without a report; counted as 1 failed`);
  }
  const e2e = join(dir, '.e2e-report.json');
  if (existsSync(e2e)) {
    const r = JSON.parse(readFileSync(e2e, 'utf8'));
    const e2eFailed = r.failed + silentFailure(dir, 'test:e2e', r.failed);
    passed += r.passed;
    failed += e2eFailed;
    console.log(`${e2e}: ${r.passed} passed, ${e2eFailed} failed`);
  } else if (expectE2e && scripts['test:e2e']) {
    failed += 1;
    console.log(`${e2e}: missing — the browser tests of ${dir} ended without a report; counted as 1 failed`);
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exit(1);
