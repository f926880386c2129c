import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { CommonError, CommonErrorCode } from './domain-error';
import { toErrorAnswer } from './error-response';

describe('toErrorAnswer', () => {
  it('answers a domain error with its code, details and extra fields', () => {
    const err = new CommonError(CommonErrorCode.CONFLICT, 'taken', { name: 'x' }, { allowed: false });
    expect(toErrorAnswer(err, 'r1')).toEqual({
      body: { status: 409, code: 'CONFLICT', message: 'taken', details: { name: 'x' }, allowed: false, request_id: 'r1' },
      unexpected: false,
    });
  });

  it('never lets extra fields overwrite the shape', () => {
    const err = new CommonError(CommonErrorCode.CONFLICT, 'taken', undefined, { status: 200, code: 'OK' });
    expect(toErrorAnswer(err, 'r1').body).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('maps framework exceptions by status', () => {
    expect(toErrorAnswer(new NotFoundException('Cannot GET /x'), 'r').body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(toErrorAnswer(new HttpException('too big', 413), 'r').body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(toErrorAnswer(new HttpException('x', 415), 'r').body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(toErrorAnswer(new BadRequestException('bad'), 'r').body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('hides unexpected errors behind INTERNAL and flags them for the log', () => {
    const answer = toErrorAnswer(new TypeError('secret internals at line 3'), 'r9');
    expect(answer).toEqual({
      body: { status: 500, code: 'INTERNAL', message: expect.not.stringContaining('secret'), request_id: 'r9' },
      unexpected: true,
    });
  });
});
