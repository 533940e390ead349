import { resolve } from 'node:path';
import { EnvReader } from './env-reader';

/** Where the panel keeps its state when HW_DATA_DIR is not set: var/ under the working directory. */
export const DEFAULT_DATA_DIR = 'var';

/** The data directory as the configuration reads it (the launcher reads it before the configuration exists). */
export function dataDirOf(env: NodeJS.ProcessEnv): string {
  return resolve(new EnvReader(env).string('HW_DATA_DIR', DEFAULT_DATA_DIR));
}
