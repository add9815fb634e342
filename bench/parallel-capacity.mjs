// How much a second core gives right now: the same busy loop (floating-point, no memory traffic) in
// one process, then in two processes at once. On a machine of its own, two take as long as one
// (capacity ≈ 2); on a virtual machine whose CPUs share a physical core with other work, up to twice
// as long (capacity ≈ 1), and then no program gains from a second thread. The benchmark prints it
// next to the load average, at the start and at the end.
//
// usage: node bench/parallel-capacity.mjs   prints { aloneMs, pairMs, capacity } as JSON
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const LOOP = `(() => {
  const t0 = performance.now();
  let x = 0.5, y = 0.25;
  for (let i = 0; i < 4e8; i++) { x = x * 0.9999999 + 1e-9; y = y * 1.0000001 - 1e-9; }
  process.stdout.write(String(performance.now() - t0 + (x + y > 1e300 ? 1 : 0)));
})();`;

function busy() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LOOP], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`busy loop exited ${code}`)),
    );
  });
}

/**
 * Times the busy loop alone, then two at once: `{ aloneMs, pairMs, capacity }` where `capacity` is
 * `2 · aloneMs / pairMs` (the mean of the pair): 2 when both cores run at full speed, 1 when the two
 * processes only share one core's time.
 */
export async function parallelCapacity() {
  const aloneMs = await busy();
  const pair = await Promise.all([busy(), busy()]);
  const pairMs = (pair[0] + pair[1]) / 2;
  return { aloneMs, pairMs, capacity: (2 * aloneMs) / pairMs };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await parallelCapacity()));
}
