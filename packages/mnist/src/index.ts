/**
 * The MNIST database of handwritten digits (Y. LeCun, C. Cortes, C. Burges; CC BY-SA 3.0) in its
 * original gzip-compressed idx format, shipped inside the package so that tests and benchmarks run
 * with no network.
 *
 * @packageDocumentation
 */
export { type MnistFile, mnistDataDir, mnistFiles, mnistLicense } from './mnist-files.js';
