import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/roles.decorator';
import { ConsoleFiles } from './console-files';

/**
 * Stricter than the app's own policy (which lets the OpenAPI page at /docs run inline code): the
 * console runs only its own files, talks only to this origin, and is never framed.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The path below /console/, decoded; a malformed one is just a page address the app will not know. */
function pathWithin(url: string): string {
  const path = url.split('?')[0].replace(/^\/console\/?/, '');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Serves the web console (a single-page app): its files, and its index for every other /console address. */
@ApiExcludeController()
@Public()
@Controller('console')
export class ConsoleController {
  constructor(private readonly files: ConsoleFiles) {}

  @Get(['', '*'])
  async serve(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    void reply.header('content-security-policy', CONSOLE_CSP).header('x-frame-options', 'DENY');
    const file = await this.files.find(pathWithin(request.url));
    // Revalidated every time (cheap: a 304), so a new build shows at once.
    void reply.header('cache-control', 'no-cache').header('etag', file.etag);
    if (request.headers['if-none-match'] === file.etag) {
      await reply.status(304).send();
      return;
    }
    await reply.header('content-type', file.type).send(file.body);
  }
}
