// Turns an AWS SDK failure into the admin commands' exit codes: refused (AWS answered no) or unreachable.
import { AdminError, EXIT_REFUSED, EXIT_UNREACHABLE, clean } from './cli.mjs';

/** True when AWS answered with a 4xx: the call was understood and refused; retrying the same call will not help. */
export function isRefusal(err) {
  const status = err && err.$metadata && err.$metadata.httpStatusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** `operation` failed: AWS's own error name and message, and the exit code it calls for. */
export function awsFailure(operation, err) {
  const name = clean((err && err.name) || 'Error');
  const message = clean((err && err.message) || String(err));
  if (isRefusal(err)) return new AdminError(`AWS refused ${operation}: ${name}: ${message}`, EXIT_REFUSED);
  const status = err && err.$metadata && err.$metadata.httpStatusCode;
  const answered = typeof status === 'number' ? `HTTP ${status} ` : '';
  return new AdminError(`could not reach AWS for ${operation}: ${answered}${name}: ${message}`, EXIT_UNREACHABLE);
}

/** Runs one SDK call, translating its failure; `absent` names the error that means "does not exist". */
export async function callAws(operation, send, absent) {
  try {
    return await send();
  } catch (err) {
    if (absent && err && err.name === absent) return undefined;
    throw awsFailure(operation, err);
  }
}
