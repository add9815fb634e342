// The packages scripts/make-data.mjs needs, loaded from their sources by Vite's module runner.
export * as mnistSample from '@onecycle/mnist-sample';
export * as visionData from '@onecycle/vision-data/node';
