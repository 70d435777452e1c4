import type { FlagDefault } from '../../lib/feature-flags.js';

/** Full-text search (`GET /api/search`); when off the endpoint answers 503 `feature_disabled`. */
export const SEARCH_FLAG = 'search';

/** The feature flags the pitch service evaluates, with their values until an admin changes them. */
export const pitchFlags: readonly FlagDefault[] = [
  {
    key: SEARCH_FLAG,
    enabled: true,
    rolloutPercent: 100,
    description: 'Full-text pitch search (GET /api/search); off answers 503 feature_disabled',
  },
];
