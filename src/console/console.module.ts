import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';
import { ConsoleFiles } from './console-files';

/** The web console's files. It imports no feature: its pages talk only to the JSON API. */
@Module({
  controllers: [ConsoleController],
  providers: [ConsoleFiles],
})
export class ConsoleModule {}
