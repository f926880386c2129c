import { ValidationError, ValidationPipe } from '@nestjs/common';
import { Matches } from 'class-validator';
import { FieldProblem, validationFailed } from '../errors/domain-error';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** The global DTO pipe: unknown fields refused, types converted, every bad field listed. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}

/** U+0000–U+001F and U+007F: a text that will be stored, logged or exported must carry none of them. */
export const NoControlCharacters = (): PropertyDecorator =>
  Matches(/^[^\u0000-\u001f\u007f]*$/, { message: '$property must not contain control characters (U+0000–U+001F, U+007F)' });
