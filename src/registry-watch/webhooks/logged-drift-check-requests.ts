import { Injectable, Logger } from '@nestjs/common';
import { DriftCheckRequests } from '../drift-check-requests';

/** Stands in for the drift watcher until it is bound: records the request in the log, checks nothing. */
@Injectable()
export class LoggedDriftCheckRequests extends DriftCheckRequests {
  private readonly logger = new Logger(LoggedDriftCheckRequests.name);

  checkSoon(model: string): void {
    this.logger.log({ model }, 'drift check requested');
  }
}
