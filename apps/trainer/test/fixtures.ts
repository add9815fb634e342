import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { x as extract } from 'tar';

const archive = fileURLToPath(new URL('../../../../shared/data/mnist_sample.tgz', import.meta.url));

/**
 * Extracts MNIST_SAMPLE once and copies the first `perClass` training and `validPerClass`
 * validation images of each class into a fresh folder in fastai's layout.
 */
export async function mnistSubset(
  perClass: number,
  validPerClass: number,
): Promise<{ dir: string; cleanup: () => void }> {
  const root = mkdtempSync(join(tmpdir(), 'onecycle-trainer-test-'));
  await extract({ file: archive, cwd: root });
  const full = join(root, 'mnist_sample');
  const dir = join(root, 'subset');
  for (const [split, n] of [
    ['train', perClass],
    ['valid', validPerClass],
  ] as const) {
    for (const cls of ['3', '7']) {
      const from = join(full, split, cls);
      const to = join(dir, split, cls);
      mkdirSync(to, { recursive: true });
      for (const f of readdirSync(from).sort().slice(0, n)) cpSync(join(from, f), join(to, f));
    }
  }
  rmSync(full, { recursive: true, force: true });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const mnistDir = fileURLToPath(new URL('../../../../shared/data/mnist/', import.meta.url));

/**
 * Writes the first `nTrain` training and `nTest` test images of the whole MNIST (with their labels)
 * as uncompressed idx files into a fresh folder, named as MNIST names them.
 */
export function mnistIdxSubset(nTrain: number, nTest: number): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'onecycle-trainer-idx-'));
  for (const [split, n] of [
    ['train', nTrain],
    ['t10k', nTest],
  ] as const) {
    for (const [kind, dims, itemBytes] of [
      ['images', 3, 28 * 28],
      ['labels', 1, 1],
    ] as const) {
      const name = `${split}-${kind}-idx${dims}-ubyte`;
      const full = gunzipSync(readFileSync(join(mnistDir, `${name}.gz`)));
      const header = Buffer.from(full.subarray(0, 4 + 4 * dims));
      header.writeUInt32BE(n, 4); // the item count is the first dimension
      const body = full.subarray(4 + 4 * dims, 4 + 4 * dims + n * itemBytes);
      writeFileSync(join(dir, name), Buffer.concat([header, body]));
    }
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
