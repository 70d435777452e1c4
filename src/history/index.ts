export { openHistory, HISTORY_SCHEMA_VERSION, type HistoryStore } from './history-store.js';
export { compareResults } from './compare.js';
