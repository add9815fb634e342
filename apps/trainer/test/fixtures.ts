import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { mnistFiles } from '@onecycle/mnist';
import { mnistSampleArchive } from '@onecycle/mnist-sample';
import { x as extract } from 'tar';

/**
 * Extracts MNIST_SAMPLE once and copies the first `perClass` training and `validPerClass`
 * validation images of each class into a fresh folder in fastai's layout.
 */
export async function mnistSubset(
  perClass: number,
  validPerClass: number,
): Promise<{ dir: string; cleanup: () => void }> {
  const root = mkdtempSync(join(tmpdir(), 'onecycle-trainer-test-'));
  await extract({ file: mnistSampleArchive, cwd: root });
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

/**
 * Writes the first `nTrain` training and `nTest` test images of the whole MNIST shipped in
 * `@onecycle/mnist` (with their labels) as uncompressed idx files into a fresh folder, named as
 * MNIST names them.
 */
export function mnistIdxSubset(nTrain: number, nTest: number): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'onecycle-trainer-idx-'));
  for (const [split, n, images, labels] of [
    ['train', nTrain, mnistFiles.trainImages, mnistFiles.trainLabels],
    ['t10k', nTest, mnistFiles.testImages, mnistFiles.testLabels],
  ] as const) {
    for (const [kind, dims, itemBytes, file] of [
      ['images', 3, 28 * 28, images],
      ['labels', 1, 1, labels],
    ] as const) {
      const name = `${split}-${kind}-idx${dims}-ubyte`;
      const full = gunzipSync(readFileSync(file.path));
      const header = Buffer.from(full.subarray(0, 4 + 4 * dims));
      header.writeUInt32BE(n, 4); // the item count is the first dimension
      const body = full.subarray(4 + 4 * dims, 4 + 4 * dims + n * itemBytes);
      writeFileSync(join(dir, name), Buffer.concat([header, body]));
    }
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
