/** Capacity search: the highest arrival rate at which the SLO holds. The public API of src/load/capacity. */
export {
  searchCapacity,
  judgeTrial,
  type CapacitySlo,
  type CapacitySearchOptions,
  type TrialMeasure,
} from './search.js';
export { rateProbe, vusForRate, type RateProbeOptions } from './probe.js';
export { capacitySection, trafficEstimate, type TrafficModel } from './capacity-section.js';
export { capacityFitnessFunctions, judgeCapacity } from './builtin-functions.js';
export { formatCapacitySection } from './format.js';
