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

/** Flask's page for an unhandled exception, as MLflow 3.x answers a webhook event it cannot parse. */
export const HTML_500 =
  '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n';

/** An answer that is an HTML page rather than MLflow's JSON error (an exception MLflow does not handle). */
export class HtmlPageError extends Error {
  constructor(
    readonly status: number,
    readonly html: string,
  ) {
    super(`HTTP ${status} page`);
  }
}
