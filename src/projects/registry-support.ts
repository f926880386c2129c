import { supportsAliases } from '../mlflow/mlflow-release';
import type { ConfigProblem } from './project-config';
import type { ResolvedProject } from './project.types';

/**
 * Pure: why the MLflow named by `mlflowVersion` cannot hold the project's registry mode; undefined
 * when it can, or while its release is not known (then the config stands until MLflow answers).
 */
export function registryModeRefusal(settings: Pick<ResolvedProject, 'registry'>, mlflowVersion: string | undefined): ConfigProblem | undefined {
  if (settings.registry !== 'aliases' || supportsAliases(mlflowVersion) !== false) return undefined;
  return {
    path: 'model.registry',
    message: `aliases mode needs model version aliases, which MLflow has since 2.3; the MLflow at MLFLOW_TRACKING_URI is ${mlflowVersion}. Use model.registry: stages, or upgrade MLflow`,
  };
}
