import { setupBackend } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lamb, type Optimizer, type OptParam, RAdam, radamRectification, SGD } from '../src/index.js';

beforeAll(async () => {
  await setupBackend('cpu');
});

const P0 = [0.5, -1.25, 2, 0.1];
const GRADS = [
  [0.3, -0.2, 0.05, 1.5],
  [-0.1, 0.4, 0.2, -0.7],
  [0.25, 0.25, -0.5, 0.01],
  [1, -1, 0.5, 0.2],
  [-0.6, 0.3, 0.1, -0.4],
  [0.05, -0.8, 0.9, 0.3],
  [0.2, 0.2, -0.3, -0.1],
  [-0.4, 0.6, 0.25, 0.7],
];
/** Set before every step, as a schedule does; beta2 = 0.9 makes RAdam rectify from step 6 on. */
const HYPERS = [
  { lr: 0.01, mom: 0.95, beta: 0.9, wd: 0.1 },
  { lr: 0.05, mom: 0.9, beta: 0.9, wd: 0.1 },
  { lr: 0.02, mom: 0.85, beta: 0.88, wd: 0.05 },
  { lr: 0.001, mom: 0.9, beta: 0.9, wd: 0.1 },
  { lr: 0.03, mom: 0.92, beta: 0.9, wd: 0 },
  { lr: 0.02, mom: 0.9, beta: 0.91, wd: 0.1 },
  { lr: 0.01, mom: 0.88, beta: 0.9, wd: 0.2 },
  { lr: 0.005, mom: 0.9, beta: 0.9, wd: 0.1 },
];

/**
 * Printed by test/reference/optimizer-steps.py (PyTorch 1.13, float64): the parameter after each
 * step. Lamb is fastai v2's lamb_step written with torch ops (PyTorch has no Lamb).
 */
const TORCH = {
  sgdNesterovDecoupled: [
    [0.49365, -1.24485, 1.997025, 0.07065],
    [0.48853175, -1.26852575, 1.966014875, 0.07604675],
    [0.47633671825, -1.27968622425, 1.979008610125, 0.06620820325],
    [0.474069539578, -1.278012225628, 1.978097026764, 0.06536595743],
    [0.474222109978, -1.279886899228, 1.966308331164, 0.07047285743],
    [0.460898000558, -1.242744868629, 1.923017132302, 0.054885961715],
    [0.451322140596, -1.236024879077, 1.915622161339, 0.052592332191],
    [0.451834097816, -1.238237579792, 1.909275350983, 0.044450737925],
  ],
  sgdNesterovL2: [
    [0.493175, -1.2436625, 1.995125, 0.070555],
    [0.4838148375, -1.25668520625, 1.9470463125, 0.0752297275],
    [0.469850392176, -1.263366621306, 1.952920071197, 0.065096050529],
    [0.467457043501, -1.261366573484, 1.951495184151, 0.064233956264],
    [0.46403163748, -1.253996269293, 1.925150876137, 0.068777727716],
    [0.447792535463, -1.209222426662, 1.869933208973, 0.052739890376],
    [0.436191908639, -1.197135597942, 1.854186878011, 0.050162267116],
    [0.435571228701, -1.19632821064, 1.843144016226, 0.041866637838],
  ],
  radamDecoupled: [
    [0.4965, -1.24675, 1.9975, 0.0849],
    [0.493096447368, -1.248674144737, 1.981657236842, 0.085133394737],
    [0.490505521313, -1.250734832432, 1.982582609084, 0.085080655252],
    [0.490059763869, -1.250486074738, 1.982385742943, 0.085015626396],
    [0.483238781264, -1.2491544778, 1.981720520857, 0.086257932193],
    [0.480838923926, -1.245090107443, 1.975846016924, 0.08581440417],
    [0.478821858825, -1.241998734094, 1.971312565711, 0.08561140371],
    [0.478278683007, -1.241424173505, 1.969786218984, 0.085148172661],
  ],
  radamL2: [
    [0.4965, -1.24675, 1.9975, 0.0849],
    [0.493680263158, -1.250146710526, 1.984019736842, 0.085216052632],
    [0.49107266474, -1.252173028617, 1.984879010025, 0.085158092391],
    [0.490635938821, -1.251948149341, 1.984719289035, 0.085094533146],
    [0.482700771376, -1.247799142381, 1.979568456056, 0.086140878692],
    [0.481030393192, -1.245758990185, 1.976941250584, 0.085826418152],
    [0.479750983448, -1.244584294713, 1.975388145646, 0.085750674632],
    [0.479258271638, -1.244196339828, 1.974211504508, 0.085304097416],
  ],
  lambDecoupled: [
    [0.487446664464, -1.236696865343, 1.985948672952, 0.087846343044],
    [0.474346199939, -1.294868257077, 1.876535933213, 0.088855978462],
    [0.448776933075, -1.324911427719, 1.898243446854, 0.088869699308],
    [0.446484474501, -1.324102440391, 1.89806493989, 0.088621003037],
    [0.378815602873, -1.309850359984, 1.887167017872, 0.098908237043],
    [0.354821771975, -1.281843527576, 1.852412886732, 0.094317088128],
    [0.336266529052, -1.269114207239, 1.838871065241, 0.093597987116],
    [0.331525327467, -1.269178771263, 1.829811743131, 0.087221808879],
  ],
  lambL2: [
    [0.487935096593, -1.237935123108, 1.987935234472, 0.087934831783],
    [0.456079128051, -1.269545774655, 1.876980863631, 0.088675922182],
    [0.420144164205, -1.297331628386, 1.8857464087, 0.088430940305],
    [0.41820541873, -1.29638989604, 1.884893179388, 0.088207655884],
    [0.370304170347, -1.26996426586, 1.841861505809, 0.093679805617],
    [0.350208182687, -1.244964606329, 1.809976798205, 0.089806902906],
    [0.33810189077, -1.233466493626, 1.795269038908, 0.089045778755],
    [0.334439790856, -1.230325965986, 1.786031581174, 0.08543159852],
  ],
};

function run(make: (groups: OptParam[][]) => Optimizer): number[][] {
  const variable = tf.variable(tf.tensor1d(P0));
  const opt = make([[{ name: 'w', variable, decay: true }]]);
  const rows: number[][] = [];
  HYPERS.forEach((h, k) => {
    for (const name of ['lr', 'mom', 'beta', 'wd'] as const) opt.set(name, h[name]);
    tf.tidy(() => opt.step({ [variable.name]: tf.tensor1d(GRADS[k]!) }));
    rows.push(Array.from(variable.dataSync()));
  });
  opt.dispose();
  variable.dispose();
  return rows;
}

function expectRowsClose(got: number[][], expected: number[][]): void {
  expect(got).toHaveLength(expected.length);
  got.forEach((row, k) => {
    row.forEach((g, i) => {
      const e = expected[k]![i]!;
      expect(Math.abs(g - e), `step ${k + 1}, value ${i}`).toBeLessThan(2e-6 * Math.max(1, Math.abs(e)));
    });
  });
}

for (const engine of ['tensor', 'array'] as const) {
  describe(`optimizers match PyTorch 1.13's printed values, hyperparameters changing every step (${engine} engine)`, () => {
    for (const trueWd of [true, false]) {
      const wd = trueWd ? 'Decoupled' : 'L2';
      it(`SGD with Nesterov momentum, ${wd} weight decay`, () => {
        expectRowsClose(
          run((g) => new SGD(g, { nesterov: true, trueWd, engine })),
          TORCH[`sgdNesterov${wd}`],
        );
      });
      it(`RAdam, ${wd} weight decay`, () => {
        expectRowsClose(
          run((g) => new RAdam(g, { trueWd, engine })),
          TORCH[`radam${wd}`],
        );
      });
      it(`Lamb (fastai's), ${wd} weight decay`, () => {
        expectRowsClose(
          run((g) => new Lamb(g, { trueWd, engine })),
          TORCH[`lamb${wd}`],
        );
      });
    }
  });
}

describe('RAdam, Lamb and Nesterov details', () => {
  it("RAdam's rectification starts when the SMA length passes 5 (PyTorch's formula)", () => {
    // beta2 = 0.9: rho_inf = 19, rho_5 = 4.61, rho_6 = 5.81.
    expect(radamRectification(0.9, 5)).toBeUndefined();
    const rhoInf = 19;
    const rho6 = rhoInf - (2 * 6 * 0.9 ** 6) / (1 - 0.9 ** 6);
    expect(radamRectification(0.9, 6)).toBeCloseTo(
      Math.sqrt(((rho6 - 4) * (rho6 - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho6)),
      12,
    );
    expect(radamRectification(0.999, 1)).toBeUndefined();
  });

  it('Nesterov differs from plain momentum, and both engines keep the tensor count flat', () => {
    const plain = run((g) => new SGD(g, { mom: 0.9 }));
    const nesterov = run((g) => new SGD(g, { mom: 0.9, nesterov: true }));
    expect(Math.abs(plain[7]![0]! - nesterov[7]![0]!)).toBeGreaterThan(1e-4);
    const v = tf.variable(tf.tensor1d(P0));
    for (const engine of ['tensor', 'array'] as const) {
      for (const opt of [
        new SGD([[{ name: 'w', variable: v, decay: true }]], { mom: 0.9, nesterov: true, engine }),
        new RAdam([[{ name: 'w', variable: v, decay: true }]], { wd: 0.1, betas: [0.9, 0.9], engine }),
        new Lamb([[{ name: 'w', variable: v, decay: true }]], { wd: 0.1, engine }),
      ]) {
        const g = tf.tensor1d(GRADS[0]!);
        opt.step({ [v.name]: g });
        const before = tf.memory().numTensors;
        for (let i = 0; i < 8; i++) opt.step({ [v.name]: g });
        expect(tf.memory().numTensors).toBe(before);
        g.dispose();
        opt.dispose();
      }
    }
    v.dispose();
  });

  it('rejects bad settings naming them', () => {
    const v = tf.variable(tf.scalar(1));
    const groups = [[{ name: 'w', variable: v, decay: true }]];
    expect(() => new RAdam(groups, { eps: 0 })).toThrow(/RAdam: eps must be a positive number, got 0/);
    expect(() => new Lamb(groups, { eps: -1 })).toThrow(/Lamb: eps must be a positive number/);
    expect(() => new SGD(groups, { nesterov: 'yes' as never })).toThrow(/SGD: nesterov must be a boolean/);
    expect(() => new Lamb(groups, { betas: [0.9, 1] })).toThrow(/beta must be in \[0, 1\)/);
    v.dispose();
  });
});
