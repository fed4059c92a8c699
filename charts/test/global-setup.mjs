// Runs once before the chart tests: installs helm, kubeconform and the Kubernetes schemas when
// missing (fast when present), then packs the file:// chart dependencies afresh.
import { ensureHelmTools } from '../../tools/helm/ensure-tools.mjs';
import { buildChartDeps } from '../../tools/helm/build-deps.mjs';

export default async function globalSetup() {
  const tools = ensureHelmTools();
  buildChartDeps({ helm: tools.helm });
}
