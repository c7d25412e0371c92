/**
 * The server's version string, from package.json (esbuild inlines the JSON).
 */
import { version } from '../../package.json';

/** Version reported by `GET /` and the OpenAPI document. */
export const SERVER_VERSION: string = version;
