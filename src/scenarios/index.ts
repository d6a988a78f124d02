export { arrivals } from './arrivals.js';
export type { Arrival, ArrivalOptions } from './arrivals.js';
export { scenario, scenarioNames, scenarios } from './catalog.js';
export type { ScenarioName } from './catalog.js';
export { runScenario } from './driver.js';
export type { PolicyLike, RunContext, RunOptions } from './driver.js';
export { SimulatedFailure } from './failure.js';
export { DependencyModel, OVERLOADED_LATENCY } from './model.js';
export type { FailureKind, ServedCall } from './model.js';
export type { FaultReport, RunReport } from './report.js';
export { conditionsAt, faultWindows } from './scenario.js';
export type {
  CapacitySpec,
  Conditions,
  FaultWindow,
  LatencySpec,
  Scenario,
  ScenarioPhase,
} from './scenario.js';
export { generateTrace } from './trace.js';
export type { TraceCall, TraceOptions } from './trace.js';
