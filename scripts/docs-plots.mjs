// Writes the schedule plots of the guides into docs/assets/, drawn by the packages themselves
// (@onecycle/charts' scheduleSvg and lineChartSvg) from the built dist/.
// usage: node scripts/docs-plots.mjs
// The 1cycle figures show fastai's fit_one_cycle(2, 5e-2) on MNIST_SAMPLE: 2 epochs × 193 batches;
// the other schedules use the same length.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const load = (name) => import(pathToFileURL(join(root, 'packages', name, 'dist', 'index.js')).href);
const { oneCycle, torchOneCycle } = await load('one-cycle');
const { scheduleSvg, lineChartSvg } = await load('charts');
const { annealCos, annealLinear, annealExp, annealPoly, annealNo, flatCos, sgdr, warmupCosine } =
  await load('annealing');

const assets = join(root, 'docs', 'assets');
mkdirSync(assets, { recursive: true });
const written = [];
const write = (name, svg) => {
  writeFileSync(join(assets, name), svg.endsWith('\n') ? svg : `${svg}\n`);
  written.push(relative(root, join(assets, name)));
};

const lrMax = 5e-2;
const totalSteps = 2 * 193;
const variants = [
  { file: 'schedule-fastai.svg', label: 'fastai', schedule: oneCycle({ lrMax, totalSteps }) },
  { file: 'schedule-seed.svg', label: 'seed', schedule: oneCycle({ lrMax, totalSteps, variant: 'seed' }) },
  { file: 'schedule-smith.svg', label: 'smith', schedule: oneCycle({ lrMax, totalSteps, variant: 'smith' }) },
  {
    file: 'schedule-torch.svg',
    label: 'PyTorch OneCycleLR',
    schedule: torchOneCycle({ maxLr: lrMax, totalSteps }),
  },
];
const titles = {
  fastai: "oneCycle({ lrMax: 5e-2, totalSteps: 386 }) — 'fastai'",
  seed: "oneCycle({ …, variant: 'seed' })",
  smith: "oneCycle({ …, variant: 'smith' })",
  'PyTorch OneCycleLR': 'torchOneCycle({ maxLr: 5e-2, totalSteps: 386 })',
};

// one figure per variant: learning rate (left) and momentum (right)
for (const v of variants) {
  write(
    v.file,
    scheduleSvg(v.schedule, { title: titles[v.label], panelWidth: 360, height: 260, idPrefix: v.file }),
  );
}
// the fastai schedule on a log axis: the long tail of phase 2
write(
  'schedule-fastai-log.svg',
  scheduleSvg(variants[0].schedule, {
    title: "'fastai' with a log learning-rate axis",
    logLr: true,
    panelWidth: 360,
    height: 260,
    idPrefix: 'log',
  }),
);

// all variants on one pair of axes
const steps = Array.from({ length: totalSteps }, (_, i) => i);
// PyTorch's curve lies almost on fastai's: draw it dashed so that both stay visible
const series = (pick) =>
  variants.map((v) => ({
    label: v.label,
    x: steps,
    y: steps.map((s) => pick(v.schedule.at(s))),
    ...(v.label.startsWith('PyTorch') ? { dashed: true } : {}),
  }));
write(
  'schedule-variants.svg',
  lineChartSvg(
    [
      { title: 'learning rate', xLabel: 'iteration', yLabel: 'learning rate', series: series((x) => x.lr) },
      {
        title: 'momentum',
        xLabel: 'iteration',
        yLabel: 'momentum',
        series: series((x) => x.mom ?? Number.NaN),
      },
    ],
    {
      title: 'The four 1cycle variants, lrMax 5e-2, 386 steps',
      panelWidth: 420,
      height: 300,
      idPrefix: 'variants',
    },
  ),
);

// discriminative learning rates: one curve per parameter group
write(
  'schedule-groups.svg',
  scheduleSvg(oneCycle({ lrMax: [5e-4, 5e-3, 5e-2], totalSteps }), {
    title: 'oneCycle({ lrMax: [5e-4, 5e-3, 5e-2], … }): one learning rate per group',
    logLr: true,
    groupNames: ['body (early layers)', 'body (late layers)', 'head'],
    panelWidth: 360,
    height: 260,
    idPrefix: 'groups',
  }),
);

// the annealing functions that the phases are made of
const pcts = Array.from({ length: 101 }, (_, i) => i / 100);
const fns = [
  ['annealNo', annealNo],
  ['annealLinear', annealLinear],
  ['annealCos', annealCos],
  ['annealExp', annealExp],
  ['annealPoly(2)', annealPoly(2)],
];
write(
  'annealing-functions.svg',
  lineChartSvg(
    [
      {
        title: 'from 1 to 0.01 (pct = position / n)',
        xLabel: 'pct',
        yLabel: 'value',
        series: fns.map(([label, f]) => ({ label, x: pcts, y: pcts.map((p) => f(1, 0.01, p)) })),
      },
    ],
    { title: 'Annealing functions', panelWidth: 480, height: 300, idPrefix: 'anneal' },
  ),
);

// the schedules beyond 1cycle, each a composition of the same combinators
const others = [
  ['schedule-flat-cos.svg', 'flatCos({ lrMax: 5e-2, totalSteps: 386 })', flatCos({ lrMax, totalSteps })],
  [
    'schedule-sgdr.svg',
    'sgdr({ lrMax: 5e-2, cycleSteps: 55, cycleMult: 2, cycles: 3 })',
    sgdr({ lrMax, cycleSteps: 55, cycleMult: 2, cycles: 3 }),
  ],
  [
    'schedule-warmup-cosine.svg',
    'warmupCosine({ lrMax: 5e-2, totalSteps: 386, warmupSteps: 39 })',
    warmupCosine({ lrMax, totalSteps, warmupSteps: 39 }),
  ],
];
for (const [file, title, schedule] of others) {
  write(file, scheduleSvg(schedule, { title, panelWidth: 640, height: 260, idPrefix: file }));
}

console.log(`docs-plots: wrote ${written.join(', ')}`);
