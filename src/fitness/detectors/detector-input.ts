import type { FileFacts } from './file-facts.js';

/** Files the detectors judge grouped by owner: the service, or this label for code outside every service. */
export const NO_SERVICE = '(no service)';

/** One judged file with its owner and its (cached) facts. */
export interface DetectedFile {
  file: string;
  /** Service name, or null outside every service. */
  service: string | null;
  facts: FileFacts;
}
