import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mnistSampleArchive, mnistSampleSha256 } from '@onecycle/mnist-sample';
import { ImageDataBunch } from '@onecycle/vision-data/node';

/** Extracts MNIST_SAMPLE once per machine (keyed by the archive's checksum) and returns its folder. */
export function mnistSampleFolder(): string {
  const root = join(tmpdir(), `onecycle-learner-test-${mnistSampleSha256.slice(0, 12)}`);
  const folder = join(root, 'mnist_sample');
  if (existsSync(join(folder, 'valid', '7'))) return folder;
  const tmp = `${root}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  execFileSync('tar', ['-xzf', mnistSampleArchive, '-C', tmp]);
  mkdirSync(root, { recursive: true });
  try {
    renameSync(join(tmp, 'mnist_sample'), folder);
  } catch (e) {
    if (!existsSync(join(folder, 'valid', '7'))) throw e;
  }
  rmSync(tmp, { recursive: true, force: true });
  return folder;
}

/**
 * A real MNIST_SAMPLE subset on disk: the first `perClass.train` / `perClass.valid` images (sorted
 * by name) of each class, copied into their own folder, and loaded with `ImageDataBunch.fromFolder`.
 */
export async function mnistSubset(
  perClass = { train: 256, valid: 128 },
  options: { bs?: number; seed?: number } = {},
): Promise<ImageDataBunch> {
  const src = mnistSampleFolder();
  const dest = join(tmpdir(), `onecycle-learner-subset-${perClass.train}-${perClass.valid}`);
  if (!existsSync(join(dest, 'done'))) {
    rmSync(dest, { recursive: true, force: true });
    for (const split of ['train', 'valid'] as const) {
      for (const cls of ['3', '7']) {
        const from = join(src, split, cls);
        const to = join(dest, split, cls);
        mkdirSync(to, { recursive: true });
        for (const f of readdirSync(from).sort().slice(0, perClass[split]))
          copyFileSync(join(from, f), join(to, f));
      }
    }
    mkdirSync(join(dest, 'done'));
  }
  return ImageDataBunch.fromFolder(dest, { bs: options.bs ?? 64, seed: options.seed ?? 0 });
}
