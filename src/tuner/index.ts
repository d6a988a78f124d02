// breakwater/tuner: replay recorded call traces through breaker settings and recommend the
// settings that would have cost least (`breakwater tune` is built on these).
export { TraceError, TunerErrorCodes } from './errors.js';
export { describeService, type Descriptors } from './descriptors.js';
export { configSection, tuningsJson } from './format.js';
export { GRID, gridOptimum, gridSettings } from './grid.js';
export { findOutages, type Outage, type OutageOptions } from './outages.js';
export {
  fitPredictor,
  predictSettings,
  shippedPredictor,
  type PredictorModel,
} from './predictor.js';
export {
  searchSettings,
  type Evaluation,
  type SearchOptions,
  type SearchResult,
} from './search.js';
export { generateServices, type GeneratedService } from './services.js';
export { replay, type ReplayOptions, type ReplayResult, type StateMark } from './simulator.js';
export { DIMENSIONS, toOptions, toPoint, type Dimension, type TunedOptions } from './space.js';
export {
  formatCall,
  parseTrace,
  readTraceFile,
  serviceCalls,
  splitTrace,
  type ServiceTrace,
  type Trace,
  type TraceCall,
} from './trace.js';
export {
  currentSettings,
  tuneTrace,
  type PricedSettings,
  type ServiceTuning,
  type TuneOptions,
} from './tune.js';
