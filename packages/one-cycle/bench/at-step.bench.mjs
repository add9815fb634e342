// Nanoseconds per `at(step)` for each schedule variant, against the built package (dist/).
// Run after a build: `pnpm --filter @onecycle/one-cycle bench` (or `pnpm bench` at the root).
// Each variant runs in its own process so that one variant's JIT feedback does not slow another.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { oneCycle, torchOneCycle } from '../dist/index.js';

const TARGET_NS = 100;
const TOTAL = 10_000;
const ITERATIONS = 5_000_000;
const ROUNDS = 5;

const CASES = {
  fastai: () => oneCycle({ lrMax: 0.05, totalSteps: TOTAL }),
  seed: () => oneCycle({ lrMax: 0.05, totalSteps: TOTAL, variant: 'seed' }),
  smith: () => oneCycle({ lrMax: 0.05, totalSteps: TOTAL, variant: 'smith' }),
  'fastai, 3 groups': () => oneCycle({ lrMax: [1e-4, 1e-3, 1e-2], totalSteps: TOTAL }),
  torch: () => torchOneCycle({ maxLr: 0.05, totalSteps: TOTAL }),
  'torch three-phase': () => torchOneCycle({ maxLr: 0.05, totalSteps: TOTAL, threePhase: true }),
  'torch linear': () => torchOneCycle({ maxLr: 0.05, totalSteps: TOTAL, annealStrategy: 'linear' }),
};

/**
 * Best time per call over ROUNDS runs of ITERATIONS calls, after a warm-up: wall time
 * (process.hrtime.bigint) and the CPU time of this process (process.cpuUsage), which a machine
 * busy with other work does not inflate. PASS/FAIL uses the CPU time.
 */
function measure(schedule) {
  let sink = 0;
  const run = (iterations) => {
    let acc = 0;
    for (let i = 0; i < iterations; i++) acc += schedule.at(i % TOTAL).mom ?? 0;
    return acc;
  };
  sink += run(500_000); // warm-up: let the JIT optimise at()
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    sink += run(ITERATIONS);
    const elapsed = Number(process.hrtime.bigint() - start);
    const used = process.cpuUsage(cpuStart);
    wall = Math.min(wall, elapsed / ITERATIONS);
    cpu = Math.min(cpu, ((used.user + used.system) * 1000) / ITERATIONS);
  }
  if (!Number.isFinite(sink)) throw new Error('unexpected non-finite schedule values');
  return { wall, cpu };
}

const only = process.argv[2];
if (only !== undefined) {
  // child: one variant, print its figure
  process.stdout.write(JSON.stringify(measure(CASES[only]())));
} else {
  const self = fileURLToPath(import.meta.url);
  const rows = Object.keys(CASES).map((name) => {
    const { wall, cpu } = JSON.parse(execFileSync(process.execPath, [self, name], { encoding: 'utf8' }));
    return { name, wall, cpu, pass: cpu < TARGET_NS };
  });
  const width = Math.max(...rows.map((r) => r.name.length), 'variant'.length);
  console.log(
    `at(step) over ${TOTAL} steps, best of ${ROUNDS} × ${ITERATIONS} calls (target < ${TARGET_NS} ns CPU)`,
  );
  console.log(`${'variant'.padEnd(width)}  ${'ns/op'.padStart(7)}  ${'wall ns'.padStart(7)}  result`);
  for (const r of rows) {
    const cells = [r.name.padEnd(width), r.cpu.toFixed(1).padStart(7), r.wall.toFixed(1).padStart(7)];
    console.log(`${cells.join('  ')}  ${r.pass ? 'PASS' : 'FAIL'}`);
  }
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
}
