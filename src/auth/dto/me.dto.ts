import { ApiProperty } from '@nestjs/swagger';
import { ALL_ROLES, Role } from '../role';

export class MeView {
  @ApiProperty({ example: 'bob' }) name!: string;
  @ApiProperty({ enum: ALL_ROLES, isArray: true, example: ['approver'], description: 'As given to the key; promoter and approver also read, admin holds every role' })
  roles!: Role[];
}
