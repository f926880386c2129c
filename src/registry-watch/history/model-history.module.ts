import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { ModelHistoryController } from './model-history.controller';
import { ModelHistoryService } from './model-history.service';

/** `GET /models/:name/history`: what the audit log says was in each stage, and when it changed. */
@Module({
  imports: [AuditModule],
  controllers: [ModelHistoryController],
  providers: [ModelHistoryService],
})
export class ModelHistoryModule {}
