// What every modelgate-admin subcommand shares: exit codes, argument parsing, output that never shows a secret.
import { parseArgs } from 'node:util';

/** Done: everything matches (or, with --dry-run, the plan was printed). */
export const EXIT_DONE = 0;
/** An upstream refused a call (its message is printed), or something asked for is missing. */
export const EXIT_REFUSED = 1;
/** Could not run: bad arguments, or modelgate or AWS could not be reached. */
export const EXIT_UNREACHABLE = 2;

/** A failure that ends the command with `exitCode`; its message is safe to print. */
export class AdminError extends Error {
  constructor(message, exitCode) {
    super(message);
    this.exitCode = exitCode;
  }
}

export const usageError = (message) => new AdminError(`${message} (see --help)`, EXIT_UNREACHABLE);

/** Control characters from an upstream's answer must not forge output lines. */
export const clean = (value) => String(value ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ');

/** parseArgs in strict mode; a stray argument may be a pasted secret, so it is never echoed. */
export function parseOptions(argv, options) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw usageError('unexpected argument (not shown); every value needs its --option');
    throw usageError(err.message);
  }
}

/**
 * stdout and stderr writers that replace every secret (4 characters or more) with `[redacted]`,
 * whatever the text came from: an upstream may echo what it was sent.
 */
export function makeOutput(secrets, streams = process) {
  const hidden = secrets.filter((s) => typeof s === 'string' && s.length >= 4);
  const redact = (text) => hidden.reduce((t, s) => t.split(s).join('[redacted]'), text);
  return {
    line: (text) => streams.stdout.write(`${redact(text)}\n`),
    json: (value) => streams.stdout.write(`${redact(JSON.stringify(value, null, 2))}\n`),
    say: (text) => streams.stderr.write(`${redact(`modelgate-admin: ${text}`)}\n`),
  };
}

/** The base URL without credentials, query or trailing slash; problems are named without echoing it. */
export function parseBaseUrl(raw, what, problems) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${what} is not a valid URL`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`${what} must start with http:// or https://`);
  if (url.username || url.password) problems.push(`${what} must not carry credentials`);
  if (url.search || url.hash) problems.push(`${what} must not carry a query or fragment`);
  return { url, base: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts allowed plain http where https is required. */
export function isLoopback(url) {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
