import { percentileR7 } from '../percentiles.js';

/** Median by the R-7 rule (the mean of the two middle values for an even count). NaN for no values. */
export function median(values: number[]): number {
  return percentileR7(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
