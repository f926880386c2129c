import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MeView } from './dto/me.dto';
import { ALL_ROLES, Actor } from './role';
import { CurrentActor, Roles } from './roles.decorator';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  @Get()
  @Roles(...ALL_ROLES)
  @ApiOkResponse({ type: MeView, description: 'The calling key: its name (the audit actor) and the roles it was given' })
  me(@CurrentActor() actor: Actor): MeView {
    return { name: actor.name, roles: actor.roles };
  }
}
