import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditLog } from './audit-log.service';
import { AuditReader } from './audit-reader.service';
import { AuditEventEntity } from './audit-event.entity';
import { AuditController } from './audit.controller';
import { AuditStore } from './audit.store';
import { TypeOrmAuditStore } from './audit.store.typeorm';

/** The append-only, hash-chained audit log: `AuditLog.append` for use cases, `AuditReader` to read it. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController],
  providers: [AuditLog, AuditReader, { provide: AuditStore, useClass: TypeOrmAuditStore }],
  exports: [AuditLog, AuditReader],
})
export class AuditModule {}
