import { defaultConvThreads } from '@onecycle/backends';
import { Command, CommanderError, Option } from 'commander';
import { CliExit } from './cli-exit.js';
import { type GivenOptions, runDemo, runFineTune, runFit, runLrFind } from './commands.js';
import { createOutput } from './output.js';
import {
  integerIn,
  integerListIn,
  learningRate,
  momentumPair,
  nonEmptyPath,
  nonNegativeNumber,
  numberBetween,
  oneOf,
  positiveNumber,
} from './parse-options.js';

const BACKENDS = ['auto', 'node', 'wasm', 'cpu'] as const;
const MODELS = ['simple_cnn', 'resnet'] as const;
const VARIANTS = ['fastai', 'seed', 'smith'] as const;
const SCHEDULES = ['constant', 'one-cycle', 'flat-cos', 'sgdr'] as const;
const OPTIMIZERS = ['adam', 'sgd', 'rmsprop', 'radam', 'lamb'] as const;

/** Options shared by every command (`--model` unless the command has its own model). */
function withCommon(cmd: Command, options: { model?: boolean } = {}): Command {
  cmd
    .option(
      '--data <dir>',
      'an image folder in fastai layout (train/<class>/*.png, valid/<class>/*.png); default: MNIST_SAMPLE',
      nonEmptyPath,
    )
    .option(
      '--mnist-idx <dir>',
      'MNIST in its idx files (train-images-idx3-ubyte[.gz], …, t10k-labels-idx1-ubyte[.gz]): 10 classes, the t10k set for validation; instead of --data',
      nonEmptyPath,
    )
    .option(
      '--size <n>',
      "resize every image to n × n pixels (fastai's size=; images of different sizes need it)",
      integerIn(1, 16384),
    )
    .option('--bs <n>', 'batch size', integerIn(1, 65536), 64)
    .option('--seed <n>', 'random seed (model init and shuffling)', integerIn(0, 2 ** 31 - 1), 0);
  if (options.model ?? true) {
    cmd.addOption(
      new Option('--model <name>', 'model: simple_cnn or resnet (CIFAR ResNet-20)')
        .argParser(oneOf(MODELS))
        .default('simple_cnn'),
    );
  }
  return cmd
    .addOption(
      new Option('--backend <name>', 'tfjs backend: auto (tfjs-node, else wasm, else cpu), node, wasm or cpu')
        .argParser(oneOf(BACKENDS))
        .default('auto'),
    )
    .addOption(
      new Option(
        '--threads <n>',
        "threads for the WASM backend's convolution kernels (the main thread plus Node worker threads)",
      )
        .argParser(integerIn(1, 8))
        .default(defaultConvThreads(), 'the logical cores, at most 4'),
    )
    .option('--out <dir>', 'folder for plots and results', nonEmptyPath, 'out')
    .option(
      '--json',
      'print one JSON object as the last line of standard output; human output goes to standard error',
      false,
    );
}

/** The options typed on the command line (not defaults), by name. */
function givenOptions(cmd: Command): GivenOptions {
  const given: Record<string, unknown> = {};
  const values = cmd.opts();
  for (const [name, value] of Object.entries(values)) {
    if (cmd.getOptionValueSource(name) === 'cli') given[name] = value;
  }
  return given as GivenOptions;
}

export function buildProgram(): Command {
  const program = new Command('onecycle')
    .description("fastai's 1cycle policy, LR finder and training loop on TensorFlow.js")
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  withCommon(
    program
      .command('demo')
      .description(
        'the 1cycle walk-through on MNIST_SAMPLE: lr_find, fit(2, 5e-2), fit(2, 5e-3), fitOneCycle(2, 5e-2), each from a fresh simpleCnn([3,16,16,2])',
      ),
  )
    .option('--epochs <n>', 'epochs of each run', integerIn(1, 10000), 2)
    .option(
      '--seeds <list>',
      'comma-separated seeds: repeat the three runs for each and report the means',
      integerListIn(0, 2 ** 31 - 1),
    )
    .action(async (opts) => runDemo(opts, createOutput(opts)));

  withCommon(
    program
      .command('lr-find')
      .description('the learning-rate range test; prints the suggestions and writes the plot'),
  )
    .option('--start-lr <lr>', 'first learning rate', positiveNumber, 1e-7)
    .option('--end-lr <lr>', 'last learning rate', positiveNumber, 10)
    .option('--num-it <n>', 'iterations of the sweep', integerIn(2, 100000), 100)
    .action(async (opts) => runLrFind(opts, createOutput(opts)));

  withCommon(
    program.command('fit').description('train a model at a constant learning rate or with the 1cycle policy'),
  )
    .option(
      '--lr <lr>',
      "learning rate (the maximum with --one-cycle), or 'auto' for the LR finder's suggestion",
      learningRate,
      5e-2,
    )
    .option('--epochs <n>', 'number of epochs', integerIn(1, 10000), 2)
    .option('--one-cycle', 'use the 1cycle policy (fitOneCycle); the same as --schedule one-cycle', false)
    .addOption(
      new Option(
        '--schedule <name>',
        'learning-rate schedule: constant (fit), one-cycle (fitOneCycle), flat-cos (fitFlatCos) or sgdr (fitSgdr) (default: constant)',
      ).argParser(oneOf(SCHEDULES)),
    )
    .addOption(
      new Option(
        '--opt <name>',
        'optimizer: adam (betas 0.9, 0.99), sgd (momentum 0.9), rmsprop, radam (betas 0.9, 0.99) or lamb',
      )
        .argParser(oneOf(OPTIMIZERS))
        .default('adam'),
    )
    .option(
      '--grad-clip <norm>',
      'clip the gradients to this global L2 norm before each step',
      positiveNumber,
    )
    .option('--accum <n>', 'accumulate the gradients of n batches per optimizer step', integerIn(1, 1024), 1)
    .option('--cycles <n>', 'sgdr: number of cycles (the first lasts --epochs epochs)', integerIn(1, 20), 3)
    .option('--cycle-mult <m>', 'sgdr: each cycle is m times longer than the one before', integerIn(1, 10), 2)
    .addOption(
      new Option('--variant <name>', '1cycle variant: fastai, seed or smith')
        .argParser(oneOf(VARIANTS))
        .default('fastai'),
    )
    .addOption(
      new Option(
        '--pct-start <p>',
        '1cycle: fraction of steps spent warming up; flat-cos: fraction at the constant rate',
      )
        .argParser(numberBetween(0, 1))
        .default(0.3, '0.3; flat-cos: 0.75'),
    )
    .option('--div-factor <d>', '1cycle: lrMax / initial lr', positiveNumber, 25)
    .option('--moms <a,b>', '1cycle: momentum at the start/end and at the peak', momentumPair, [0.95, 0.85])
    .option('--wd <wd>', 'weight decay (decoupled)', nonNegativeNumber, 1e-2)
    .option(
      '--save <file>',
      'save weights, optimizer state and schedule position to this file when done (or when stopped by Ctrl-C/SIGTERM)',
      nonEmptyPath,
    )
    .option(
      '--resume <file>',
      'continue the unfinished run saved by --save, with its options (options given again must agree); saves to the same file unless --save is given',
      nonEmptyPath,
    )
    .option(
      '--load <file>',
      'start a new run from the weights of this file (a --save checkpoint or weights file)',
      nonEmptyPath,
    )
    .action(async (opts, cmd: Command) => {
      if (opts.oneCycle && opts.schedule !== undefined && opts.schedule !== 'one-cycle') {
        throw new RangeError(`--one-cycle and --schedule ${opts.schedule} ask for two schedules: give one`);
      }
      return runFit(opts, createOutput(opts), givenOptions(cmd));
    });

  withCommon(
    program
      .command('fine-tune')
      .description(
        "fine-tune the pretrained mnist8-cnn backbone on an image folder (fastai's cnn_learner + fine_tune; images resized to 28×28)",
      ),
    { model: false },
  )
    .option('--lr <lr>', 'base learning rate (the head’s)', positiveNumber, 2e-3)
    .option('--epochs <n>', 'epochs of the unfrozen stage', integerIn(1, 10000), 1)
    .option('--freeze-epochs <n>', 'epochs of the frozen stage (head only)', integerIn(0, 10000), 1)
    .option('--lr-mult <m>', 'the body’s first layers train at lr / lr-mult', positiveNumber, 100)
    .option(
      '--save <file>',
      'save weights and optimizer state to this file when done (or when stopped by Ctrl-C/SIGTERM), as fit --save',
      nonEmptyPath,
    )
    .option(
      '--load <file>',
      'start from the weights of this file (a --save checkpoint of fine-tune, or a weights file)',
      nonEmptyPath,
    )
    .addOption(
      new Option('--resume <file>', 'refused: --resume is for fit').argParser(nonEmptyPath).hideHelp(),
    )
    .action(async (opts) => runFineTune(opts, createOutput(opts)));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CliExit) {
      process.stderr.write(`onecycle: ${err.message}\n`);
      return err.code;
    }
    if (err instanceof CommanderError) {
      // commander already printed the message (help or the error); --help and --version exit 0.
      return err.exitCode;
    }
    process.stderr.write(`onecycle: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.ONECYCLE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
