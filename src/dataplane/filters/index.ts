// The pure HTTP filters the engine calls, in one import.
export { normalizePath, type NormalizedPath } from './path.ts';
export { applyHeaderEdits } from './headers.ts';
export { redirectLocation, rewriteTarget, modifiedPath } from './url.ts';
export { corsDecision, type CorsDecision } from './cors.ts';
export { compileWeights, type WeightedPicker } from './weights.ts';
