import { ApiProperty } from '@nestjs/swagger';

export class IngestResultView {
  @ApiProperty({ example: true }) accepted!: true;
  @ApiProperty({ description: 'Already received (same event id, or same execution, status and redrive count)' })
  duplicate!: boolean;
  @ApiProperty({ description: 'Not a Step Functions execution status change: stored, changes nothing' })
  ignored!: boolean;
}
