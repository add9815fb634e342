// The checks of the end-to-end test: one Chromium, one page in test mode (?e2e=1), the four steps of
// the demo in order, a screenshot after each, then one full MNIST_SAMPLE epoch timed in the page.
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** Chromium flags for a closed network: no background traffic, no GPU, no sandbox (CI runs as root). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Containers often give /dev/shm only 64 MB, too little for Chromium's shared memory.
  '--disable-dev-shm-usage',
];

const MIN_ACCURACY = 0.95;

/**
 * Runs the checks and prints one line per check.
 * @param {{ url: string; plainUrl?: string; chromiumPath: string; resultsDir: string }} options
 *   `plainUrl` serves the same build without the COOP/COEP headers (checked when given).
 * @returns {Promise<{ passed: number; failed: number }>}
 */
export async function runDemoChecks({ url, plainUrl, chromiumPath, resultsDir }) {
  let passed = 0;
  let failed = 0;
  /** @type {string[]} */
  const consoleErrors = [];
  // launch() starts Chromium with a fresh, temporary user-data-dir of its own.
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));

  /**
   * @param {string} name
   * @param {() => Promise<string | undefined | void>} body returns an optional detail to print
   */
  async function check(name, body) {
    const started = Date.now();
    try {
      const detail = await body();
      passed++;
      console.log(
        `  ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)${detail ? ` — ${detail}` : ''}`,
      );
    } catch (error) {
      failed++;
      console.log(`  ✗ ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  /** @param {string} file */
  const shot = (file) => page.screenshot({ path: join(resultsDir, file), fullPage: true });
  /** @param {string} selector */
  const text = async (selector) => (await page.locator(selector).textContent())?.trim() ?? '';
  /** Fails with the page's error banner when it shows something. */
  async function pageErrors() {
    const errors = page.locator('#errors');
    return (await errors.isVisible()) ? await errors.innerText() : '';
  }
  /**
   * Waits for a step's data-state to become 'done'; fails early on 'error'.
   * @param {string} step
   * @param {number} timeout
   */
  async function waitDone(step, timeout) {
    await page.waitForFunction(
      (sel) => ['done', 'error'].includes(document.querySelector(sel)?.getAttribute('data-state') ?? ''),
      step,
      { timeout, polling: 250 },
    );
    const state = await page.locator(step).getAttribute('data-state');
    if (state !== 'done') throw new Error(`${step} ended in state '${state}': ${await pageErrors()}`);
  }
  /** @param {string} selector */
  const points = async (selector) =>
    Number((await page.locator(selector).getAttribute('data-points')) ?? '0');

  try {
    await check('page loads and starts the WASM backend', async () => {
      await page.goto(`${url}?e2e=1`);
      await page.waitForFunction(
        () => document.querySelector('#lr-find-run')?.hasAttribute('disabled') === false,
        null,
        {
          timeout: 60_000,
        },
      );
      const backend = await text('#backend-status');
      if (!backend.startsWith('wasm')) throw new Error(`backend status is '${backend}'`);
      const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
      if (!isolated)
        throw new Error('the served page is not cross-origin isolated (COOP/COEP headers missing)');
      if (!backend.includes('convolutions: 2 threads, fused multiply-add')) {
        throw new Error(
          `the convolution kernels do not run on 2 threads with fused multiply-add: '${backend}'`,
        );
      }
      return `${backend}; data: ${await text('#data-status')}`;
    });

    await check('step 1: the LR finder runs and charts loss against lr', async () => {
      await page.click('#lr-find-run');
      await waitDone('#step-lr-find', 180_000);
      const n = await points('#lr-find-chart');
      if (n < 10) throw new Error(`the LR finder chart holds ${n} points`);
      const suggestions = await page.locator('#lr-find-suggestions button').count();
      if (suggestions < 1) throw new Error('no lr suggestion is shown');
      await shot('1-lr-finder.png');
      return `${n} points, suggestions: ${(await page.locator('#lr-find-suggestions button').allTextContents()).join(', ')}`;
    });

    await check('step 1: clicking the chart picks lrMax', async () => {
      const before = await page.inputValue('input[name=lrMax]');
      await page.locator('#lr-find-chart .u-over').scrollIntoViewIfNeeded();
      const box = await page.locator('#lr-find-chart .u-over').boundingBox();
      if (!box) throw new Error('no plot area to click');
      await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.5);
      const after = await page.inputValue('input[name=lrMax]');
      if (after === before || !(Number(after) > 0))
        throw new Error(`lrMax went from '${before}' to '${after}'`);
      return `lrMax ${before} → ${after}`;
    });

    await check('step 2: the schedule chart follows the inputs', async () => {
      /** Sets the variant (and pctStart unless null) and returns the step of the lr peak drawn. */
      const peakFor = async (/** @type {string} */ variant, /** @type {string | null} */ pctStart) => {
        await page.selectOption('select[name=variant]', variant);
        if (pctStart !== null) await page.fill('input[name=pctStart]', pctStart);
        await page.waitForFunction(
          (v) => document.querySelector('#schedule-chart')?.getAttribute('data-variant') === v,
          variant,
        );
        return Number(await page.locator('#schedule-chart').getAttribute('data-peak-step'));
      };
      // fastai's walk-through value for simple_cnn on MNIST_SAMPLE (fit_one_cycle(…, 5e-2)).
      await page.fill('input[name=lrMax]', '0.05');
      const seedHalf = await peakFor('seed', '0.5');
      const smith = await peakFor('smith', null);
      if (!(await page.locator('input[name=pctStart]').isDisabled())) {
        throw new Error("pctStart should be disabled for 'smith'");
      }
      await shot('2-schedule-smith.png');
      const fastai = await peakFor('fastai', '0.3');
      if (!(fastai < seedHalf))
        throw new Error(`the lr peak did not move with pctStart (${seedHalf} → ${fastai})`);
      if ((await points('#schedule-chart')) < 10) throw new Error('the schedule chart is empty');
      await shot('2-schedule.png');
      return `lr peak at step ${seedHalf} (seed, pctStart 0.5), ${smith} (smith), ${fastai} (fastai, 0.3): ${await text('#schedule-summary')}`;
    });

    await check(`step 3: fitOneCycle trains to accuracy ≥ ${MIN_ACCURACY}`, async () => {
      await page.check('#train-compare');
      await page.click('#train-run');
      await waitDone('#step-train', 600_000);
      const accuracy = Number(
        await page.locator('#results table[data-run=one-cycle]').getAttribute('data-accuracy'),
      );
      if (!(accuracy >= MIN_ACCURACY)) throw new Error(`accuracy shown is ${accuracy}`);
      for (const chart of ['#loss-chart', '#position-chart', '#accuracy-chart']) {
        if ((await points(chart)) < 1) throw new Error(`${chart} is empty`);
      }
      const rows = await page.locator('#results table[data-run=one-cycle] tbody tr').count();
      if (rows < 1) throw new Error('the results table has no row');
      await shot('3-train.png');
      const constant = await page.locator('#results table[data-run=constant]').getAttribute('data-accuracy');
      return `1cycle accuracy ${accuracy.toFixed(4)}, constant lr ${Number(constant).toFixed(4)}; ${await text('#train-status')}`;
    });

    await check('step 4: a drawn 7 is predicted with probabilities', async () => {
      await page.locator('#draw-pad').scrollIntoViewIfNeeded();
      const box = await page.locator('#draw-pad').boundingBox();
      if (!box) throw new Error('no drawing pad');
      const at = (/** @type {number} */ fx, /** @type {number} */ fy) => [
        box.x + box.width * fx,
        box.y + box.height * fy,
      ];
      const stroke = [at(0.3, 0.25), at(0.7, 0.25), at(0.58, 0.45), at(0.47, 0.75)];
      await page.mouse.move(stroke[0][0], stroke[0][1]);
      await page.mouse.down();
      for (const [x, y] of stroke.slice(1)) await page.mouse.move(x, y, { steps: 12 });
      await page.mouse.up();
      await page.waitForFunction(
        () => document.querySelector('#prediction')?.hasAttribute('data-label'),
        null,
        {
          timeout: 20_000,
        },
      );
      const label = await page.locator('#prediction').getAttribute('data-label');
      const probs = JSON.parse((await page.locator('#prediction').getAttribute('data-probs')) ?? '[]');
      const sum = probs.reduce((/** @type {number} */ a, /** @type {number} */ b) => a + b, 0);
      if (probs.length !== 2 || Math.abs(sum - 1) > 1e-3)
        throw new Error(`probabilities ${JSON.stringify(probs)}`);
      await shot('4-draw.png');
      if (label !== '7')
        throw new Error(`the drawn 7 was predicted as '${label}' (${JSON.stringify(probs)})`);
      return `predicted ${label}, p = ${probs.map((/** @type {number} */ p) => p.toFixed(3)).join(' / ')}`;
    });

    await check('the page fits a phone screen', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300); // let the charts follow their containers' new width
      const { overflow, culprits } = await page.evaluate(() => {
        const clipped = (/** @type {Element} */ el) => {
          for (let p = el.parentElement; p; p = p.parentElement) {
            if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
          }
          return false;
        };
        const wide = Array.from(document.querySelectorAll('body *')).filter(
          (el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(el),
        );
        return {
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          culprits: wide
            .slice(0, 3)
            .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className}`),
        };
      });
      await shot('5-phone.png');
      await page.setViewportSize({ width: 1280, height: 900 });
      if (overflow > 1)
        throw new Error(`the page is ${overflow}px wider than a 390px screen: ${culprits.join(', ')}`);
    });

    await check('one full MNIST_SAMPLE epoch is timed in the page', async () => {
      await page.click('#epoch-time-run');
      await waitDone('#step-train', 600_000);
      const seconds = Number(await page.locator('#epoch-time').getAttribute('data-seconds'));
      if (!(seconds > 0)) throw new Error(`no epoch time shown (${await text('#epoch-time')})`);
      await shot('6-epoch-time.png');
      console.log(`EPOCH TIME (browser, WASM): ${await text('#epoch-time')}`);
    });

    await check('no errors in the console or on the page', async () => {
      const shown = await pageErrors();
      if (shown) throw new Error(`the page shows: ${shown}`);
      if (consoleErrors.length > 0) throw new Error(consoleErrors.join(' | '));
    });

    await check('errors are shown on the page (no WebAssembly; a bad query parameter)', async () => {
      const shown = [];
      for (const [what, query, expected] of [
        ['no WebAssembly', '?e2e=1', /WebAssembly is not supported/],
        ['bad parameter', '?bs=0', /'bs' must be a positive integer/],
      ]) {
        const errPage = await context.newPage();
        if (what === 'no WebAssembly') {
          await errPage.addInitScript(() => {
            // @ts-expect-error: simulate a browser without WebAssembly
            delete globalThis.WebAssembly;
          });
        }
        await errPage.goto(`${url}${query}`);
        await errPage.locator('#errors').waitFor({ state: 'visible', timeout: 30_000 });
        const message = await errPage.locator('#errors').innerText();
        await errPage.screenshot({
          path: join(resultsDir, `7-error-${query.slice(1).replace(/\W/g, '-')}.png`),
        });
        await errPage.close();
        if (!expected.test(message)) throw new Error(`${what}: the page shows '${message}'`);
        shown.push(message.trim());
      }
      return shown.join(' | ');
    });

    if (plainUrl) {
      await check('without COOP/COEP headers the page says so and trains on one thread', async () => {
        const plain = await context.newPage();
        /** @type {string[]} */
        const errors = [];
        plain.on('console', (msg) => {
          if (msg.type() === 'error') errors.push(msg.text());
        });
        try {
          await plain.goto(`${plainUrl}?e2e=1&iters=20`);
          await plain.waitForFunction(
            () => document.querySelector('#lr-find-run')?.hasAttribute('disabled') === false,
            null,
            {
              timeout: 60_000,
            },
          );
          const backend = (await plain.locator('#backend-status').textContent()) ?? '';
          if (!backend.includes('single-threaded (page not cross-origin isolated)')) {
            throw new Error(`backend status is '${backend}'`);
          }
          await plain.click('#lr-find-run');
          await plain.waitForFunction(
            () =>
              ['done', 'error'].includes(
                document.querySelector('#step-lr-find')?.getAttribute('data-state') ?? '',
              ),
            null,
            { timeout: 120_000 },
          );
          const state = await plain.locator('#step-lr-find').getAttribute('data-state');
          await plain.screenshot({ path: join(resultsDir, '8-not-isolated.png') });
          if (state !== 'done') throw new Error(`the LR finder ended in state '${state}'`);
          if (errors.length > 0) throw new Error(errors.join(' | '));
          return backend;
        } finally {
          await plain.close();
        }
      });
    }
  } finally {
    await browser.close();
  }
  return { passed, failed };
}
