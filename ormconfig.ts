import { DataSource } from 'typeorm';
import { loadConfigOrExit } from './src/platform/config/app-config';
import { ENTITIES_GLOB, dataSourceOptions } from './src/platform/database/data-source-options';

/** DataSource for the TypeORM CLI: `npx typeorm -d dist/ormconfig.js migration:show`. */
export default new DataSource({ ...dataSourceOptions(loadConfigOrExit().database), entities: [ENTITIES_GLOB] });
