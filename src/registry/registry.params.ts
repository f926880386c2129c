import { PipeTransform } from '@nestjs/common';
import { validationFailed } from '../common/errors/domain-error';

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
