export { checkOutputTargets, ensureDir, parsePushgatewayUrl, type OutputTarget } from './output-targets.js';
export { publishResult, saveResultSafely, type OutputStreams, type PublishOptions } from './publish-result.js';
export { writeReports, writeFileAtomic, type WrittenReport, type FailedReport } from './write-reports.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './metrics-server.js';
export { pushToGateway } from './pushgateway.js';
