import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { equalSegments, formatSegment, formatSequence } from '../execution-segment.js';

export interface K6OperatorOptions {
  /** TestRun (and ConfigMap) name: a DNS-1123 label. */
  name: string;
  /** Number of k6 runner pods; k6-operator gives each an execution segment of an equal split. */
  parallelism: number;
  /** The k6 script's content (from generateK6Script): embedded in a ConfigMap of the manifest… */
  script?: string;
  /** …or its file name: the ConfigMap is then created with the kubectl command in the manifest's header comment. */
  scriptFile?: string;
  namespace?: string;
  /** BASE_URL the runners target (default: the script's own default). */
  baseUrl?: string;
  /** Where each runner writes its NDJSON; `${RUNNER}` is not expanded by k6-operator, so one path is used per pod. */
  resultsPath?: string;
  image?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function yamlString(s: string): string {
  return JSON.stringify(s);
}

/**
 * A ConfigMap holding the script plus a k6-operator `TestRun` (k6.io/v1alpha1) with `parallelism` runners. k6-operator
 * splits the test into equal execution segments itself; it does not aggregate thresholds or summaries across runners,
 * so each runner writes NDJSON (`--out json`) to be merged with `pitchey-fit load --from-k6 runner*.ndjson`.
 */
export function generateK6OperatorManifest(opts: K6OperatorOptions): string {
  if (!DNS_LABEL.test(opts.name) || opts.name.length > 63)
    throw new UsageError(`invalid TestRun name ${JSON.stringify(opts.name)}: use lowercase letters, digits and '-'`);
  if (!Number.isInteger(opts.parallelism) || opts.parallelism < 1)
    throw new UsageError(`parallelism must be a positive integer, got ${opts.parallelism}`);
  if (opts.script === undefined && opts.scriptFile === undefined)
    throw new UsageError('k6-operator manifest needs the script or its file name');
  const ns = opts.namespace ? `\n  namespace: ${opts.namespace}` : '';
  const results = opts.resultsPath ?? '/tmp/k6-runner.ndjson';
  const file = opts.scriptFile ? path.basename(opts.scriptFile) : 'script.js';
  const configMap =
    opts.script !== undefined
      ? `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${opts.name}-script${ns}
data:
  ${file}: |
${opts.script
  .split('\n')
  .map((l) => (l.length ? `    ${l}` : ''))
  .join('\n')}
---
`
      : `# Create the script's ConfigMap first:
#   kubectl create configmap ${opts.name}-script --from-file=${file}${opts.namespace ? ` -n ${opts.namespace}` : ''}
# k6-operator gives each of the ${opts.parallelism} runners one execution segment; it does not merge their results:
# collect each runner's ${results} and judge them together with  pitchey-fit load --from-k6 runner*.ndjson
`;
  const args = [
    `--out json=${results}`,
    ...(opts.baseUrl ? [`-e BASE_URL=${opts.baseUrl}`] : []),
    '-e SUMMARY_JSON=/tmp/summary.json',
  ].join(' ');
  return `${configMap}apiVersion: k6.io/v1alpha1
kind: TestRun
metadata:
  name: ${opts.name}${ns}
spec:
  parallelism: ${opts.parallelism}
  script:
    configMap:
      name: ${opts.name}-script
      file: ${file}
  arguments: ${yamlString(args)}
  runner:
    image: ${opts.image ?? 'grafana/k6:latest'}
`;
}

/** The `k6 run` command of each of N runners for a manual distributed run (k6 `--execution-segment` semantics). */
export function segmentCommands(parallelism: number, scriptFile: string, baseUrl?: string): string[] {
  if (!Number.isInteger(parallelism) || parallelism < 1)
    throw new UsageError(`parallelism must be a positive integer, got ${parallelism}`);
  return equalSegments(parallelism).map(
    (seg, i) =>
      `k6 run --execution-segment ${formatSegment(seg)} --execution-segment-sequence ${formatSequence(seg)}${baseUrl ? ` -e BASE_URL=${baseUrl}` : ''} -e SUMMARY_JSON=runner${i + 1}-summary.json --out json=runner${i + 1}.ndjson ${scriptFile}`,
  );
}
