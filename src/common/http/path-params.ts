import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { validationFailed } from '../errors/domain-error';
import { PROJECT_NAME } from '../project-name';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** The path parameter's name (`:id` → `id`), as `details[].field` names it. */
const fieldOf = (metadata: ArgumentMetadata | undefined, fallback: string) => metadata?.data ?? fallback;

/** A modelgate id in a path (promotion, notification, API key): a UUID. */
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata?: ArgumentMetadata): string {
    if (!isUuid(value)) {
      const field = fieldOf(metadata, 'id');
      throw validationFailed([{ field, problems: [`${field} must be a UUID`] }]);
    }
    return value;
  }
}

/** A project name in a path (`/projects/:name`, `/deploy-gate/:project`), as config.yaml's `project_name` allows it. */
export class ProjectNameParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata?: ArgumentMetadata): string {
    if (!PROJECT_NAME.test(value)) {
      const field = fieldOf(metadata, 'name');
      throw validationFailed([{ field, problems: [`${field} must be a project name (lowercase letters, digits, _ and -)`] }]);
    }
    return value;
  }
}

/** A model version in a path: a positive integer, answered as MLflow writes it ("02" → "2"). */
export class VersionParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^\d{1,10}$/.test(value) || Number(value) < 1) {
      throw validationFailed([{ field: 'version', problems: ['version must be a positive integer'] }]);
    }
    return String(Number(value));
  }
}

/** A run id: MLflow's are 32 hex digits; other tracking stores use other ids, so only the charset is checked. */
export class RunIdParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
      throw validationFailed([{ field: 'id', problems: ['id must be 1-64 letters, digits, _ or -'] }]);
    }
    return value;
  }
}

/** A registered model name: MLflow takes nearly anything, but not an empty or huge one. */
export class ModelNameParamPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (value.trim() === '' || value.length > 256) {
      throw validationFailed([{ field: 'name', problems: ['name must be 1-256 characters'] }]);
    }
    return value;
  }
}
