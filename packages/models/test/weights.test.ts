import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BatchNorm2d,
  decodeSafetensors,
  deserializeWeights,
  encodeSafetensors,
  type Module,
  resnet,
  type SafetensorsTensor,
  StateDictMismatchError,
  serializeWeights,
  simpleCnn,
  torchStateDict,
} from '../src/index.js';
import { loadWeights, saveWeights } from '../src/node.js';

const fixtures = new URL('./fixtures/', import.meta.url);
const readFixture = async (name: string) => new Uint8Array(await readFile(new URL(name, fixtures)));
let dir: string;

beforeAll(async () => {
  await setupBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'onecycle-models-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (m: Module) => m.parameters().map((p) => Array.from(p.variable.dataSync()));

describe('safetensors codec', () => {
  it('writes the documented layout: u64 LE header length, space-padded JSON, LE data', () => {
    const bytes = encodeSafetensors(
      new Map<string, SafetensorsTensor>([
        ['w', { dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) }],
        ['n', { dtype: 'I64', shape: [], data: new Float64Array([5]) }],
      ]),
      { note: 'x' },
    );
    const view = new DataView(bytes.buffer);
    const n = Number(view.getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const json = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(json.trimEnd()).toBe(
      '{"__metadata__":{"note":"x"},"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}',
    );
    expect(bytes.length).toBe(8 + n + 16);
    expect(view.getBigInt64(8 + n, true)).toBe(5n);
    expect(view.getFloat32(8 + n + 8, true)).toBe(1);
    expect(view.getFloat32(8 + n + 12, true)).toBe(-2);
  });

  it('reads F64, F16, BF16, I64 and I32 tensors written by hand', () => {
    const header = JSON.stringify({
      a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] },
      b: { dtype: 'F16', shape: [3], data_offsets: [8, 14] },
      c: { dtype: 'BF16', shape: [1], data_offsets: [14, 16] },
      d: { dtype: 'I32', shape: [1], data_offsets: [16, 20] },
      e: { dtype: 'I64', shape: [], data_offsets: [20, 28] },
    });
    const h = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + h.length + 28);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, BigInt(h.length), true);
    bytes.set(h, 8);
    const p = 8 + h.length;
    v.setFloat64(p, 0.1, true);
    v.setUint16(p + 8, 0x3c00, true); // 1.0
    v.setUint16(p + 10, 0xc000, true); // -2.0
    v.setUint16(p + 12, 0x0001, true); // smallest subnormal 2^-24
    v.setUint16(p + 14, 0x4049, true); // bf16 3.140625
    v.setInt32(p + 16, -7, true);
    v.setBigInt64(p + 20, 123n, true);
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({});
    expect(tensors.get('a')!.data[0]).toBeCloseTo(0.1, 7);
    expect(Array.from(tensors.get('b')!.data)).toEqual([1, -2, 2 ** -24]);
    expect(Array.from(tensors.get('c')!.data)).toEqual([3.140625]);
    expect(Array.from(tensors.get('d')!.data)).toEqual([-7]);
    expect(tensors.get('e')).toEqual({ dtype: 'I64', shape: [], data: new Float64Array([123]) });
  });

  it('rejects malformed files with a reason', () => {
    const good = encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [2], data: new Float32Array(2) }]]));
    expect(() => decodeSafetensors(good.subarray(0, 4), 'x.safetensors')).toThrow(
      /x\.safetensors: .*at least 8/,
    );
    expect(() => decodeSafetensors(good.subarray(0, good.length - 4))).toThrow(
      /ends at byte 8 of a 4-byte data section/,
    );
    const bad = good.slice();
    new DataView(bad.buffer).setBigUint64(0, 10n ** 9n, true);
    expect(() => decodeSafetensors(bad)).toThrow(/header length/);
    const wrongOffsets = (offs: string, shape = '[2]') => {
      const h = new TextEncoder().encode(`{"w":{"dtype":"F32","shape":${shape},"data_offsets":${offs}}}`);
      const b = new Uint8Array(8 + h.length + 8);
      new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
      b.set(h, 8);
      return b;
    };
    expect(() => decodeSafetensors(wrongOffsets('[0,4]'))).toThrow(/needs 8 bytes, offsets give 4/);
    expect(() => decodeSafetensors(wrongOffsets('[4,12]'))).toThrow(/ends at byte 12/);
    expect(() => decodeSafetensors(wrongOffsets('[0,4]', '[1]'))).toThrow(/cover 4/);
    expect(() =>
      encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [3], data: new Float32Array(2) }]])),
    ).toThrow(/shape \[3\] \(3 values\) but 2 values/);
  });
});

describe('weights in PyTorch names and layouts', () => {
  it('stores conv weights as [out, in, kh, kw] and linear weights as [out, in]', () => {
    const model = resnet({ depth: 8, widths: [4, 8, 16], nClasses: 3, inChannels: 1, seed: 0 });
    const sd = torchStateDict(model);
    expect(sd.get('0.0.weight')!.shape).toEqual([4, 1, 3, 3]);
    expect(sd.get('2.0.downsample.0.weight')!.shape).toEqual([8, 4, 1, 1]);
    expect(sd.get('5.weight')!.shape).toEqual([3, 16]);
    expect(sd.get('0.1.num_batches_tracked')).toEqual({
      dtype: 'I64',
      shape: [],
      data: new Float64Array([0]),
    });
    const filt = model.parameters().find((p) => p.name === '1.0.conv1.weight')!.variable;
    const hwio = filt.arraySync() as number[][][][]; // [kh][kw][in][out]
    const oihw = sd.get('1.0.conv1.weight')!;
    expect(oihw.shape).toEqual([4, 4, 3, 3]);
    for (const [o, i, y, x] of [
      [0, 0, 0, 0],
      [3, 1, 2, 0],
      [1, 3, 0, 2],
      [2, 2, 1, 1],
    ] as const) {
      expect(oihw.data[((o * 4 + i) * 3 + y) * 3 + x]).toBe(hwio[y]![x]![i]![o]);
    }
    model.dispose();
  });

  it('round-trips weights, buffers and num_batches_tracked through bytes', () => {
    const a = simpleCnn([3, 8, 8, 2], undefined, undefined, true, { seed: 1 });
    tf.tidy(() => {
      a.forward(tf.randomUniform([4, 12, 12, 3], 0, 1, 'float32', 2));
    });
    const bytes = serializeWeights(a, { metadata: { epoch: '3' } });
    expect(decodeSafetensors(bytes).metadata).toEqual({ epoch: '3', format: 'pt' });
    const b = simpleCnn([3, 8, 8, 2], undefined, undefined, true, { seed: 2 });
    expect(values(b)).not.toEqual(values(a));
    deserializeWeights(b, bytes);
    expect(values(b)).toEqual(values(a));
    const bufs = (m: Module) => m.buffers().map((x) => Array.from(x.variable.dataSync()));
    expect(bufs(b)).toEqual(bufs(a));
    const bn = (b.at(0) as unknown as { at(i: number): Module }).at(2) as BatchNorm2d;
    expect(bn.numBatchesTracked).toBe(1);
    a.dispose();
    b.dispose();
  });

  it('a mismatch lists every offending tensor, in PyTorch shapes, and changes nothing', () => {
    const big = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 0 });
    const small = simpleCnn([3, 8, 8, 2], undefined, undefined, true, { seed: 0 });
    const before = values(small);
    let err: StateDictMismatchError | undefined;
    try {
      deserializeWeights(small, serializeWeights(big), { source: 'big.safetensors' });
    } catch (e) {
      err = e as StateDictMismatchError;
    }
    expect(err).toBeInstanceOf(StateDictMismatchError);
    expect(err!.missing).toEqual([
      '0.2.weight',
      '0.2.bias',
      '1.2.weight',
      '1.2.bias',
      '0.2.running_mean',
      '0.2.running_var',
      '1.2.running_mean',
      '1.2.running_var',
    ]);
    expect(err!.unexpected).toEqual(['0.0.bias', '1.0.bias']);
    expect(err!.wrongShape).toEqual([
      { name: '0.0.weight', expected: [8, 3, 3, 3], actual: [16, 3, 3, 3] },
      { name: '1.0.weight', expected: [8, 8, 3, 3], actual: [16, 16, 3, 3] },
      { name: '2.0.weight', expected: [2, 8, 3, 3], actual: [2, 16, 3, 3] },
    ]);
    expect(err!.message).toMatch(/^big\.safetensors does not match the model:/);
    expect(err!.message).toContain('wrong shape: 2.0.weight expected [2, 8, 3, 3], got [2, 16, 3, 3]');
    expect(values(small)).toEqual(before);
    big.dispose();
    small.dispose();
  });
});

describe('PyTorch interop (fixtures written by PyTorch, see fixtures/make-torch-fixture.py)', () => {
  const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5) => {
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(tol * (1 + Math.abs(want[i]!)));
  };

  it.each([
    ['simple-cnn', () => simpleCnn([3, 8, 8, 2], undefined, undefined, true, { seed: 9 })],
    ['resnet', () => resnet({ depth: 8, widths: [4, 8, 16], nClasses: 3, inChannels: 1, seed: 9 })],
  ] as const)('%s: loads PyTorch weights and reproduces its eval and train outputs and running stats', async (key, make) => {
    const ref = decodeSafetensors(await readFixture('torch-reference.safetensors')).tensors;
    const model = make();
    const torchBytes = await readFixture(`torch-${key}.safetensors`);
    await loadWeights(model, new URL(`torch-${key}.safetensors`, fixtures).pathname);
    // Writing back gives PyTorch's own state dict: same names, dtypes, shapes (layouts) and values.
    const written = decodeSafetensors(serializeWeights(model)).tensors;
    const original = decodeSafetensors(torchBytes).tensors;
    expect([...written.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, t] of original) expect(written.get(name), name).toEqual(t);
    const x = ref.get(`${key}/input_nhwc`)!;
    const input = tf.tensor(x.data as Float32Array, x.shape as number[]);
    model.eval();
    const yEval = tf.tidy(() => model.forward(input));
    close(yEval.dataSync(), ref.get(`${key}/eval`)!.data);
    model.train();
    const yTrain = tf.tidy(() => model.forward(input));
    close(yTrain.dataSync(), ref.get(`${key}/train`)!.data);
    let checked = 0;
    for (const b of model.buffers()) {
      close(b.variable.dataSync(), ref.get(`${key}/after_train/${b.name}`)!.data);
      checked++;
    }
    expect(checked).toBe(key === 'resnet' ? 2 * 9 : 4);
    for (const t of [input, yEval, yTrain]) t.dispose();
    model.dispose();
  });
});

describe('saveWeights / loadWeights (node)', () => {
  it('saves atomically (no temporary file left), overwrites, and loads back; either argument order', async () => {
    const a = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 3 });
    const b = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 4 });
    const path = join(dir, 'sub', 'model.safetensors');
    await saveWeights(b, path);
    await saveWeights(path, a);
    expect(await readdir(join(dir, 'sub'))).toEqual(['model.safetensors']);
    expect(new Uint8Array(await readFile(path))).toEqual(serializeWeights(a));
    await loadWeights(path, b);
    expect(values(b)).toEqual(values(a));
    a.dispose();
    b.dispose();
  });

  it('names the file in load errors', async () => {
    const path = join(dir, 'cnn.safetensors');
    const a = simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed: 3 });
    await saveWeights(a, path);
    const r = resnet({ depth: 8, seed: 0 });
    await expect(loadWeights(r, path)).rejects.toThrow(`${path} does not match the model`);
    await writeFile(join(dir, 'junk.safetensors'), 'not a file');
    await expect(loadWeights(r, join(dir, 'junk.safetensors'))).rejects.toThrow(
      /junk\.safetensors: not a valid safetensors file/,
    );
    await expect(loadWeights(r, join(dir, 'absent.safetensors'))).rejects.toThrow(/ENOENT/);
    a.dispose();
    r.dispose();
  });
});
