import { decodeSafetensors } from '@onecycle/models';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_METADATA_KEY, Learner, readCheckpointMeta } from '../src/index.js';
import { seedModel, setup } from './helpers/fixtures.js';

describe('saveState({ metadata })', () => {
  it("stores an application's strings beside the learner's description; the file still loads", async () => {
    const data = await setup();
    const model = seedModel(1);
    const learn = new Learner(data, model, { seed: 1 });
    const bytes = learn.saveState({ metadata: { 'app.options': '{"bs":64}' } });
    expect(decodeSafetensors(bytes).metadata['app.options']).toBe('{"bs":64}');
    expect(readCheckpointMeta(bytes).seed).toBe(1);
    learn.loadState(bytes);
    expect(() => learn.saveState({ metadata: { [CHECKPOINT_METADATA_KEY]: 'x' } })).toThrow(
      /'onecycle\.learner' is the learner's own/,
    );
    learn.dispose();
    model.dispose();
  });
});
