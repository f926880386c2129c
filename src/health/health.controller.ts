import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/roles.decorator';
import { HealthService } from './health.service';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'PostgreSQL answers and every migration is applied; details.mlflow says whether MLflow is up (it never decides)' })
  @ApiServiceUnavailableResponse({ description: 'NOT_READY, with each check in details' })
  ready(): Promise<HealthCheckResult> {
    return this.health.readiness();
  }

  @Get('mlflow')
  @ApiOkResponse({ description: "MLflow's GET /health answers; details.mlflow.version when its GET /version says" })
  @ApiServiceUnavailableResponse({ description: 'NOT_READY, with details.mlflow.reason' })
  mlflow(): Promise<HealthCheckResult> {
    return this.health.mlflowHealth();
  }
}
