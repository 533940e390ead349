// dist/hostwright.js, what `npm start` and the systemd unit run: the panel's bundle
// (dist/hostwright-app.js) compiled through V8's code cache under the data directory
// (platform/process/code-cache.ts). HW_CODE_CACHE=off compiles it from the source alone.
import { join } from 'node:path';
import { dataDirOf } from './platform/config/data-dir';
import { runWithCodeCache } from './platform/process/code-cache';

runWithCodeCache(join(__dirname, 'hostwright-app.js'), process.env.HW_CODE_CACHE === 'off' ? null : dataDirOf(process.env));
