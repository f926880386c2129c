import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { MlflowModule } from '../mlflow/mlflow.module';
import { ProjectEntity, ProjectFileEntity } from './project.entity';
import { ProjectFilesLoader } from './project-files.loader';
import { ProjectFileStore, ProjectStore } from './project.store';
import { TypeOrmProjectFileStore, TypeOrmProjectStore } from './project.store.typeorm';
import { ProjectDirectory } from './project.types';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';
import { StoredProjectDirectory } from './stored-project-directory';

/** Project configs (config.yaml): schema, file loader, store and API. Other features read them through {@link ProjectDirectory}. */
@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity, ProjectFileEntity]), AuditModule, MlflowModule],
  controllers: [ProjectsController],
  providers: [
    ProjectsService,
    ProjectFilesLoader,
    { provide: ProjectStore, useClass: TypeOrmProjectStore },
    { provide: ProjectFileStore, useClass: TypeOrmProjectFileStore },
    { provide: ProjectDirectory, useClass: StoredProjectDirectory },
  ],
  exports: [ProjectDirectory],
})
export class ProjectsModule {}
