/** An error the fake answers the way MLflow does: `{"error_code", "message"}` with this status. */
export class MlflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export const MISSING = (param: string) =>
  new MlflowApiError(
    400,
    'INVALID_PARAMETER_VALUE',
    `Missing value for required parameter '${param}'. See the API docs for more information about request parameters.`,
  );

export const modelNotFound = (name: string) => new MlflowApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);

export const versionNotFound = (name: string, version: string | number) =>
  new MlflowApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found`);

export const runNotFound = (runId: string) => new MlflowApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);

/** Flask's pages for unknown routes and wrong methods, byte for byte. */
export const HTML_404 =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';
export const HTML_405 =
  '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n';
