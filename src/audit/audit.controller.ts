import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { validationFailed } from '../common/errors/domain-error';
import { DEFAULT_PAGE_SIZE } from '../common/http/pagination';
import { Role } from '../auth/role';
import { Roles } from '../auth/roles.decorator';
import { AuditReader } from './audit-reader.service';
import { AuditPageView, AuditQueryDto, ChainVerificationView, auditFilterOf } from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Roles(Role.READER)
@Controller('audit')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: AuditPageView, description: 'Newest first; with format=csv, every matching event oldest first' })
  async list(@Query() query: AuditQueryDto): Promise<AuditPageView | StreamableFile> {
    const filter = auditFilterOf(query);
    if (query.format !== 'csv') return this.reader.list(filter, query.max_results ?? DEFAULT_PAGE_SIZE, query.page_token);
    if (query.max_results !== undefined || query.page_token !== undefined) {
      throw validationFailed([
        { field: 'format', problems: ['format=csv exports every matching event: max_results and page_token do not apply'] },
      ]);
    }
    const chunks = await this.reader.exportCsv(filter);
    return new StreamableFile(Readable.from(chunks, { objectMode: false }), {
      type: 'text/csv; charset=utf-8',
      disposition: 'attachment; filename="audit-events.csv"',
    });
  }

  @Get('verify')
  @ApiOkResponse({ type: ChainVerificationView })
  verify(): Promise<ChainVerificationView> {
    return this.reader.verify();
  }
}
