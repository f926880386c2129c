import { domainErrorClass } from '../common/errors/domain-error';
import type { ConfigProblem } from './project-config';

export enum ProjectErrorCode {
  INVALID_PROJECT_CONFIG = 'INVALID_PROJECT_CONFIG',
  PROJECT_NOT_FOUND = 'PROJECT_NOT_FOUND',
  MODEL_ALREADY_CLAIMED = 'MODEL_ALREADY_CLAIMED',
  PROJECTS_DIR_NOT_SET = 'PROJECTS_DIR_NOT_SET',
  PROJECT_CONFIG_REFUSED = 'PROJECT_CONFIG_REFUSED',
}

const STATUS: Record<ProjectErrorCode, number> = {
  INVALID_PROJECT_CONFIG: 400,
  PROJECT_NOT_FOUND: 404,
  MODEL_ALREADY_CLAIMED: 409,
  PROJECTS_DIR_NOT_SET: 409,
  PROJECT_CONFIG_REFUSED: 409,
};

/** Errors of the projects feature; other features raise PROJECT_NOT_FOUND with {@link projectNotFound}. */
export class ProjectError extends domainErrorClass(STATUS) {}

export function projectNotFound(name: string): ProjectError {
  return new ProjectError(ProjectErrorCode.PROJECT_NOT_FOUND, `No project named "${name}"`);
}

/** `details` lists every problem; warnings ride along so a fix does not reveal them one at a time. */
export function invalidProjectConfig(problems: ConfigProblem[], warnings: ConfigProblem[] = []): ProjectError {
  return new ProjectError(
    ProjectErrorCode.INVALID_PROJECT_CONFIG,
    `The project config is not valid: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
    problems,
    warnings.length > 0 ? { warnings } : undefined,
  );
}

export function modelAlreadyClaimed(modelName: string, project: string | undefined): ProjectError {
  const by = project ? ` by project "${project}"` : ' by another project';
  return new ProjectError(
    ProjectErrorCode.MODEL_ALREADY_CLAIMED,
    `The registered model "${modelName}" is already claimed${by}; a model belongs to at most one project`,
    [{ path: 'model.name', message: `"${modelName}" is already claimed${by}` }],
  );
}

/** A stored project whose config the MLflow it runs against cannot hold (found after it was stored). */
export function projectConfigRefused(project: string, problem: ConfigProblem): ProjectError {
  return new ProjectError(ProjectErrorCode.PROJECT_CONFIG_REFUSED, `Project "${project}" is stored but its config is refused: ${problem.path}: ${problem.message}`, [problem], {
    project,
  });
}
