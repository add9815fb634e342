// The end-to-end check of layers.html: @onecycle/tfjs-layers with tfjs-layers' model.fit in Chromium
// on the WASM backend (LR finder restoring the weights, fitOneCycle cycling lr and momentum).
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './demo-checks.mjs';

/**
 * Runs the checks and prints one line per check.
 * @param {{ url: string; chromiumPath: string }} options `url` is the served build's root.
 * @returns {Promise<{ passed: number; failed: number }>}
 */
export async function runLayersChecks({ url, chromiumPath }) {
  let passed = 0;
  let failed = 0;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  /** @param {string} name @param {() => Promise<string | undefined | void>} body */
  async function check(name, body) {
    try {
      const detail = await body();
      passed++;
      console.log(`  ✓ ${name}${detail ? ` — ${detail}` : ''}`);
    } catch (error) {
      failed++;
      console.log(`  ✗ ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    const page = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    /** @type {any} */
    let result;
    await check('layers.html: tfjs-layers model.fit with @onecycle/tfjs-layers runs on WASM', async () => {
      await page.goto(`${url}layers.html`);
      await page.waitForFunction(
        () =>
          ['done', 'error'].includes(
            document.querySelector('#layers-result')?.getAttribute('data-state') ?? '',
          ),
        null,
        { timeout: 120_000, polling: 250 },
      );
      const text = (await page.locator('#layers-result').textContent()) ?? '';
      if ((await page.locator('#layers-result').getAttribute('data-state')) !== 'done') {
        throw new Error(`the page failed: ${text}`);
      }
      result = JSON.parse(text);
      if (result.backend !== 'wasm') throw new Error(`backend is '${result.backend}'`);
      if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
      return `backend ${result.backend}`;
    });
    await check('layers.html: a diverging lrFind puts the weights back, no tensor left', async () => {
      const f = result.lrFind;
      if (!['diverged', 'nan'].includes(f.stoppedBy)) throw new Error(`the sweep ended by '${f.stoppedBy}'`);
      if (!f.restored) throw new Error('the weights differ after lrFind');
      if (!f.tensorsKept) throw new Error('lrFind changed tf.memory().numTensors');
      return `${f.iterations} iterations, ${f.stoppedBy}, valley ${f.valley}`;
    });
    await check('layers.html: fitOneCycle cycles the lr and the momentum the optimizer applies', async () => {
      const lrs = result.applied.map((/** @type {{lr: number}} */ a) => a.lr);
      const moms = result.applied.map((/** @type {{mom: number}} */ a) => a.mom);
      const near = (/** @type {number} */ a, /** @type {number} */ b) =>
        Math.abs(a - b) <= 1e-6 * Math.max(1, b);
      if (lrs.length !== 64) throw new Error(`${lrs.length} batches, expected 4 epochs × 16`);
      if (!near(Math.max(...lrs), result.lrMax))
        throw new Error(`peak lr ${Math.max(...lrs)}, expected ${result.lrMax}`);
      if (!near(moms[0], 0.95) || !near(Math.min(...moms), 0.85)) {
        throw new Error(
          `momentum starts at ${moms[0]} and falls to ${Math.min(...moms)}, expected 0.95 → 0.85`,
        );
      }
      if (!(result.accuracy >= 0.9)) throw new Error(`training accuracy ${result.accuracy} < 0.9`);
      return `peak lr ${Math.max(...lrs).toFixed(4)}, momentum ${Math.max(...moms).toFixed(4)} → ${Math.min(...moms).toFixed(4)}, accuracy ${result.accuracy.toFixed(4)}`;
    });
  } finally {
    await browser.close();
  }
  return { passed, failed };
}
