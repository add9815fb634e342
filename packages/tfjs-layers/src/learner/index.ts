/**
 * `@onecycle/tfjs-layers/learner`: a tfjs-layers model as the model of `@onecycle/learner`'s Learner.
 *
 * @packageDocumentation
 */
export {
  type LayersLearnerModel,
  type LayersLearnerModelOptions,
  layersLearnerModel,
} from './layers-learner-model.js';
