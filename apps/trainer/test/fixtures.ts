import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
