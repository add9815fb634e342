import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Conv2d,
  convLayer,
  Linear,
  Module,
  ReLU,
  type Sequential,
  StateDictMismatchError,
  simpleCnn,
} from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('simpleCnn structure', () => {
  it('has fastai simple_cnn((3,16,16,2)) names, shapes and 3058 parameters', () => {
    const model = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
    const params = model.parameters();
    expect(params.map((p) => [p.name, p.variable.shape, p.kind])).toEqual([
      ['0.0.weight', [3, 3, 3, 16], 'weight'],
      ['0.0.bias', [16], 'bias'],
      ['1.0.weight', [3, 3, 16, 16], 'weight'],
      ['1.0.bias', [16], 'bias'],
      ['2.0.weight', [3, 3, 16, 2], 'weight'],
      ['2.0.bias', [2], 'bias'],
    ]);
    expect(model.numParameters()).toBe(3058);
    expect(model.buffers()).toEqual([]);
    expect(model.length).toBe(4);
    model.dispose();
  });

  it('with bn: batch norm after the ReLU of all but the last layer, conv bias only without bn', () => {
    const model = simpleCnn([3, 16, 16, 2], undefined, undefined, true, { seed: 0 });
    expect(model.parameters().map((p) => p.name)).toEqual([
      '0.0.weight',
      '0.2.weight',
      '0.2.bias',
      '1.0.weight',
      '1.2.weight',
      '1.2.bias',
      '2.0.weight',
      '2.0.bias',
    ]);
    expect(model.buffers().map((b) => b.name)).toEqual([
      '0.2.running_mean',
      '0.2.running_var',
      '1.2.running_mean',
      '1.2.running_var',
    ]);
    // 432 + 2304 + 288 conv weights, 2 conv biases, 2·(16+16) batch-norm parameters
    expect(model.numParameters()).toBe(432 + 2304 + 288 + 2 + 64);
    expect(model.parameters().filter((p) => p.kind === 'norm')).toHaveLength(4);
    model.dispose();
  });

  it('honours kernel sizes and strides, and validates them', () => {
    const model = simpleCnn([1, 4, 2], [5, 3], [1, 2], false, { seed: 1 });
    expect(model.parameters()[0]!.variable.shape).toEqual([5, 5, 1, 4]);
    const y = tf.tidy(() => model.forward(tf.ones([2, 10, 10, 1])));
    expect(y.shape).toEqual([2, 2]);
    y.dispose();
    model.dispose();
    expect(() => simpleCnn([3])).toThrow(/actns/);
    expect(() => simpleCnn([3, 16, 2], [3])).toThrow(/kernelSizes must have 2 entries/);
    expect(() => simpleCnn([3, 16, 2], undefined, [2, 0])).toThrow(/strides\[1\]/);
    expect(() => simpleCnn([3, 1.5])).toThrow(/actns\[1\]/);
  });

  it('maps 28×28 to 14, 7, 4 and outputs [N, 2] logits', () => {
    const model = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
    const shapes: number[][] = [];
    tf.tidy(() => {
      let h: tf.Tensor = tf.ones([5, 28, 28, 3]);
      for (const layer of model.layers()) {
        h = layer.forward(h);
        shapes.push(h.shape);
      }
    });
    expect(shapes).toEqual([
      [5, 14, 14, 16],
      [5, 7, 7, 16],
      [5, 4, 4, 2],
      [5, 2],
    ]);
    model.dispose();
  });

  it('same seed gives the same weights, another seed different ones', () => {
    const a = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 7 });
    const b = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 7 });
    const c = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 8 });
    const w = (m: Sequential) => m.parameters().map((p) => Array.from(p.variable.dataSync()));
    expect(w(a)).toEqual(w(b));
    expect(w(a)[0]).not.toEqual(w(c)[0]);
    for (const m of [a, b, c]) m.dispose();
  });

  it('initialises conv weights Kaiming-normal (std √(2/fanIn)) and biases to zero', () => {
    const model = simpleCnn([16, 64, 2], undefined, undefined, false, { seed: 3 });
    const [w0, b0] = model.parameters();
    const v = Array.from(w0!.variable.dataSync());
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    const expected = Math.sqrt(2 / (16 * 9));
    expect(v.length).toBe(9216);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std / expected).toBeGreaterThan(0.97);
    expect(std / expected).toBeLessThan(1.03);
    expect(Array.from(b0!.variable.dataSync()).every((x) => x === 0)).toBe(true);
    model.dispose();
  });
});

describe('Module', () => {
  it('train()/eval() are recursive', () => {
    const model = simpleCnn([3, 8, 8, 2], undefined, undefined, true, { seed: 0 });
    model.eval();
    expect(model.namedModules().every(([, m]) => m.training === false)).toBe(true);
    model.train();
    expect(model.namedModules().every(([, m]) => m.training === true)).toBe(true);
    model.train(false);
    expect((model.at(0) as Sequential).at(2).training).toBe(false);
    model.dispose();
  });

  it('custom modules get dotted names from addModule', () => {
    class Mlp extends Module {
      fc1 = this.addModule('fc1', new Linear(4, 3, { seed: 0 }));
      act = this.addModule('act', new ReLU());
      fc2 = this.addModule('fc2', new Linear(3, 2, { seed: 1 }));
      forward(x: tf.Tensor): tf.Tensor {
        return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
      }
    }
    const mlp = new Mlp();
    expect(mlp.parameters().map((p) => p.name)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(mlp.numParameters()).toBe(4 * 3 + 3 + 3 * 2 + 2);
    mlp.dispose();
  });

  it('split() defines layer groups; freezeTo/freeze/unfreeze set trainable, keeping batch norm trainable', () => {
    const model = simpleCnn([3, 8, 8, 8, 2], undefined, undefined, true, { seed: 0 });
    expect(model.layerGroups()).toHaveLength(1);
    expect(model.layerGroups()[0]!.map((p) => p.name)).toEqual(model.parameters().map((p) => p.name));
    model.split([1, 3]);
    const names = model.layerGroups().map((g) => g.map((p) => p.name));
    expect(names).toEqual([
      ['0.0.weight', '0.2.weight', '0.2.bias'],
      ['1.0.weight', '1.2.weight', '1.2.bias', '2.0.weight', '2.2.weight', '2.2.bias'],
      ['3.0.weight', '3.0.bias'],
    ]);
    const trainable = () => model.parameters().map((p) => (p.variable.trainable ? 1 : 0));
    model.freeze();
    expect(trainable()).toEqual([0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1]);
    model.freezeTo(1, { trainBn: false });
    expect(trainable()).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    model.unfreeze();
    expect(trainable().every((t) => t === 1)).toBe(true);
    expect(() => model.freezeTo(4)).toThrow(RangeError);
    expect(() => model.split([2, 2])).toThrow(/strictly increasing/);
    expect(() => model.split([6])).toThrow(/\[0, 5\]/);
    model.split([]);
    expect(model.layerGroups()).toHaveLength(1);
    model.dispose();
  });

  it('stateDict/loadStateDict copy weights and buffers between models', () => {
    const a = simpleCnn([3, 8, 8, 2], undefined, undefined, true, { seed: 1 });
    const b = simpleCnn([3, 8, 8, 2], undefined, undefined, true, { seed: 2 });
    tf.tidy(() => {
      a.forward(tf.randomUniform([4, 12, 12, 3], 0, 1, 'float32', 5)); // moves a's running stats
    });
    const state = a.stateDict();
    expect([...state.keys()]).toEqual([
      '0.0.weight',
      '0.2.weight',
      '0.2.bias',
      '0.2.running_mean',
      '0.2.running_var',
      '1.0.weight',
      '1.2.weight',
      '1.2.bias',
      '1.2.running_mean',
      '1.2.running_var',
      '2.0.weight',
      '2.0.bias',
    ]);
    b.loadStateDict(state);
    for (const t of state.values()) t.dispose();
    const sa = a.stateDict();
    const sb = b.stateDict();
    for (const [k, t] of sa) expect(Array.from(sb.get(k)!.dataSync())).toEqual(Array.from(t.dataSync()));
    for (const t of [...sa.values(), ...sb.values()]) t.dispose();
    a.dispose();
    b.dispose();
  });

  it('a state dict is a snapshot: later training does not change it', () => {
    const m = new Linear(2, 1, { seed: 0 });
    const state = m.stateDict();
    const before = Array.from(state.get('weight')!.dataSync());
    m.weight.assign(tf.tidy(() => tf.add(m.weight, 1)));
    expect(Array.from(state.get('weight')!.dataSync())).toEqual(before);
    m.loadStateDict(state);
    expect(Array.from(m.weight.dataSync())).toEqual(before);
    for (const t of state.values()) t.dispose();
    m.dispose();
  });

  it('loadStateDict lists every missing, unexpected and wrongly shaped tensor and changes nothing', () => {
    const model = simpleCnn([3, 8, 8, 2], undefined, undefined, false, { seed: 0 });
    const before = Array.from(model.parameters()[0]!.variable.dataSync());
    const state = new Map<string, tf.Tensor>([
      ['0.0.weight', tf.zeros([3, 3, 3, 8])],
      ['0.0.bias', tf.zeros([7])],
      ['1.0.weight', tf.zeros([3, 3, 8, 8])],
      ['2.0.weight', tf.zeros([3, 3, 8, 2])],
      ['2.0.bias', tf.zeros([2])],
      ['head.weight', tf.zeros([2])],
    ]);
    let err: unknown;
    try {
      model.loadStateDict(state);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictMismatchError);
    const e = err as StateDictMismatchError;
    expect(e.missing).toEqual(['1.0.bias']);
    expect(e.unexpected).toEqual(['head.weight']);
    expect(e.wrongShape).toEqual([{ name: '0.0.bias', expected: [8], actual: [7] }]);
    expect(e.message).toContain('missing (1): 1.0.bias');
    expect(e.message).toContain('unexpected (1): head.weight');
    expect(e.message).toContain('wrong shape: 0.0.bias expected [8], got [7]');
    expect(Array.from(model.parameters()[0]!.variable.dataSync())).toEqual(before);
    // strict: false tolerates names but not shapes
    expect(() => model.loadStateDict(state, { strict: false })).toThrow(/wrong shape: 0\.0\.bias/);
    state.get('0.0.bias')!.dispose();
    state.delete('0.0.bias');
    model.loadStateDict(state, { strict: false });
    expect(Array.from(model.parameters()[0]!.variable.dataSync()).every((x) => x === 0)).toBe(true);
    for (const t of state.values()) t.dispose();
    model.dispose();
  });

  it('dispose frees every variable', () => {
    const before = tf.memory().numTensors;
    const model = simpleCnn([3, 16, 16, 2], undefined, undefined, true, { seed: 0 });
    expect(tf.memory().numTensors).toBe(before + 8 + 4);
    model.dispose();
    expect(model.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects duplicate and dotted names', () => {
    class Bad extends Module {
      constructor(name: string) {
        super();
        this.addModule('a', new ReLU());
        this.addModule(name, new ReLU());
      }
      forward(x: tf.Tensor) {
        return x;
      }
    }
    expect(() => new Bad('a')).toThrow(/already used/);
    expect(() => new Bad('b.c')).toThrow(/no dots/);
  });

  it('convLayer matches fastai conv_layer defaults (batch norm, no conv bias)', () => {
    const layer = convLayer(3, 8, { seed: 0 });
    expect(layer.layers().map((l) => l.constructor)).toEqual([Conv2d, ReLU, BatchNorm2d]);
    expect(layer.parameters().map((p) => p.name)).toEqual(['0.weight', '2.weight', '2.bias']);
    expect((layer.at(0) as Conv2d).padding).toEqual([1, 1]);
    layer.dispose();
  });
});
