export { collectStatic, type StaticCollectOptions, type StaticCollection } from './collect-static.js';
export { staticFitnessFunctions } from './builtin-functions.js';
export { writeBaseline, applyBaseline, updateBaseline, readBaseline, type BaselineApplication } from './baseline.js';
export { proposeServices, proposeShared } from './propose-services.js';
export { moduleMetrics, folderMetrics } from './martin-metrics.js';
export { extractFile, type RawImport, type FileExtraction } from './import-extraction.js';
