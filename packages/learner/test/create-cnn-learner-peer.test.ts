import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('@onecycle/backbone-mnist8');
  vi.resetModules();
});

describe('createCnnLearner: the backbone is an optional peer dependency', () => {
  it('says which package to install when the backbone package is missing', async () => {
    vi.resetModules();
    vi.doMock('@onecycle/backbone-mnist8', () => {
      // What Node's resolver throws for a package that is not installed.
      throw Object.assign(
        new Error("Cannot find package '@onecycle/backbone-mnist8' imported from create-cnn-learner.js"),
        { code: 'ERR_MODULE_NOT_FOUND' },
      );
    });
    const { createCnnLearner } = await import('../src/index.js');
    const data = { c: 2 } as Parameters<typeof createCnnLearner>[0];
    await expect(createCnnLearner(data, 'mnist8-cnn')).rejects.toThrow(
      /optional package @onecycle\/backbone-mnist8, which is not installed: install it/,
    );
  });

  it('passes any other failure of the backbone package through unchanged', async () => {
    vi.resetModules();
    vi.doMock('@onecycle/backbone-mnist8', () => {
      throw new Error('the weights file is damaged');
    });
    const { createCnnLearner } = await import('../src/index.js');
    const data = { c: 2 } as Parameters<typeof createCnnLearner>[0];
    await expect(createCnnLearner(data, 'mnist8-cnn')).rejects.toSatisfy((e: Error) =>
      /the weights file is damaged/.test(`${e.message} ${String(e.cause)}`),
    );
  });
});
