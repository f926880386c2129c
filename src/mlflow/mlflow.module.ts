import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { MLFLOW_HTTP, createMlflowHttp } from './mlflow-http.factory';
import { MlflowCallMetrics } from './mlflow-call.metrics';
import { MlflowCallObserver } from './mlflow-call.observer';
import { MlflowClient } from './mlflow.client';
import { MlflowReadiness } from './mlflow.readiness';
import { MlflowServer } from './mlflow-server';

/** The MLflow adapter. Import this module to inject {@link MlflowClient}. */
@Module({
  providers: [
    { provide: MLFLOW_HTTP, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createMlflowHttp(config.mlflow) },
    { provide: MlflowCallObserver, useClass: MlflowCallMetrics },
    MlflowClient,
    MlflowReadiness,
    MlflowServer,
  ],
  exports: [MlflowClient, MlflowReadiness, MlflowServer],
})
export class MlflowModule {}
